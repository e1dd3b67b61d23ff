#include "spec/yaml_tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <optional>
#include <sstream>

#include "spec/yaml_block_reader.h"

namespace mosq::spec {
namespace {

struct LimitExceeded {
  YAML::Mark mark;
  std::string message;
};

struct NoProgress {
  YAML::Mark mark;
};

// Builds the nodes as yaml-cpp's NodeBuilder would (the same kinds, tags,
// marks and children), and counts every node as the reader will walk it:
// an alias counts as the whole subtree its anchor names.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::deque<YamlNode>& nodes, std::vector<const YamlNode*>& roots, const YamlLimits& limits)
      : m_nodes(nodes), m_roots(roots), m_limits(limits) {}

  // yaml-cpp gives every document exactly one root node (a null when empty).
  void OnDocumentStart(const YAML::Mark&) override { m_document_events = 0; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_progress(mark);
    leaf(mark, anchor, YamlNode::Kind::null, std::string(), std::string());
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    ++m_document_events;
    leaf(mark, anchor, YamlNode::Kind::scalar, tag, value);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    ++m_document_events;
    if (++m_aliases > m_limits.max_aliases) {
      throw LimitExceeded{mark, "more than " + std::to_string(m_limits.max_aliases) +
                                    " YAML aliases (*name); write the values out"};
    }
    // yaml-cpp resolved the name: the anchor was set in this document.
    const Anchor& named = m_anchors.at(anchor);
    add(mark, named.size);
    attach(named.node);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    ++m_document_events;
    open(mark, anchor, YamlNode::Kind::sequence, tag);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    ++m_document_events;
    open(mark, anchor, YamlNode::Kind::map, tag);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YamlNode* node;
    YAML::anchor_t anchor;
    std::size_t nodes_before;
    std::size_t children_begin;  // its children so far: m_children from here
  };
  // yaml-cpp numbers anchors from 1 in each document. A size is the
  // anchored subtree's node count, 1 until it is known (an alias inside
  // its own anchor) or, then, what that number named in an earlier
  // document.
  struct Anchor {
    const YamlNode* node = nullptr;
    std::size_t size = 1;
  };

  YamlNode& make(const YAML::Mark& mark, YAML::anchor_t anchor, YamlNode::Kind kind, const std::string& tag) {
    YamlNode& node = m_nodes.emplace_back();
    node.kind = kind;
    node.tag = tag;
    node.line = mark.line;
    node.column = mark.column;
    if (anchor != 0) {
      if (anchor >= m_anchors.size()) m_anchors.resize(anchor + 1);
      m_anchors[anchor].node = &node;
    }
    return node;
  }
  void add(const YAML::Mark& mark, std::size_t nodes) {
    m_node_count += nodes;
    if (m_node_count > m_limits.max_nodes) {
      throw LimitExceeded{mark, "the YAML holds more than " + std::to_string(m_limits.max_nodes) +
                                    " values once its aliases are expanded"};
    }
  }
  // yaml-cpp 0.7 never consumes a ',' at the start of a document: it
  // reports an empty document there, again and again, for ever (its own
  // YAML::LoadAll never returns and its memory grows without bound). A
  // document that is one null at the very place of the previous one made
  // no progress.
  void check_progress(const YAML::Mark& mark) {
    const bool alone = ++m_document_events == 1;
    if (alone && m_last_empty_document && m_last_empty_document->pos == mark.pos) {
      throw NoProgress{mark};
    }
    m_last_empty_document = alone ? std::optional<YAML::Mark>(mark) : std::nullopt;
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, YamlNode::Kind kind, const std::string& tag,
            const std::string& value) {
    add(mark, 1);
    YamlNode& node = make(mark, anchor, kind, tag);
    node.scalar = value;
    if (anchor != 0) m_anchors[anchor].size = 1;
    attach(&node);
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor, YamlNode::Kind kind, const std::string& tag) {
    if (m_open.size() >= m_limits.max_depth) {
      throw LimitExceeded{mark, "too deeply nested (more than " + std::to_string(m_limits.max_depth) +
                                    " levels of lists and mappings)"};
    }
    const std::size_t nodes_before = m_node_count;
    add(mark, 1);
    m_open.push_back(Open{&make(mark, anchor, kind, tag), anchor, nodes_before, m_children.size()});
  }
  // The children gathered for the innermost collection go into it at
  // once, at their exact size.
  void close() {
    if (m_open.empty()) return;
    const Open done = m_open.back();
    m_open.pop_back();
    if (done.anchor != 0) m_anchors[done.anchor].size = m_node_count - done.nodes_before;
    const auto first = m_children.begin() + static_cast<std::ptrdiff_t>(done.children_begin);
    const std::size_t count = m_children.size() - done.children_begin;
    if (done.node->is_sequence()) {
      done.node->items.assign(first, m_children.end());
    } else {
      // Keys and values alternate (yaml-cpp gives a null for a missing one).
      // By index: an empty collection's children may be an empty vector,
      // whose iterator takes no offset (UBSan, found by fuzz/spec_loader).
      done.node->entries.reserve(count / 2);
      for (std::size_t i = 0; i + 1 < count; i += 2) {
        done.node->entries.emplace_back(m_children[done.children_begin + i], m_children[done.children_begin + i + 1]);
      }
    }
    m_children.erase(first, m_children.end());
    attach(done.node);
  }
  void attach(const YamlNode* node) {
    if (m_open.empty()) {
      m_roots.push_back(node);
    } else {
      m_children.push_back(node);
    }
  }

  std::deque<YamlNode>& m_nodes;
  std::vector<const YamlNode*>& m_roots;
  const YamlLimits& m_limits;
  std::size_t m_node_count = 0;
  std::size_t m_aliases = 0;
  std::vector<Open> m_open;
  std::vector<const YamlNode*> m_children;
  std::vector<Anchor> m_anchors;
  std::size_t m_document_events = 0;
  std::optional<YAML::Mark> m_last_empty_document;
};

Mark located(const YAML::Mark& mark) {
  return mark.is_null() ? Mark{1, 1} : Mark{mark.line + 1, mark.column + 1};
}

}  // namespace

bool YamlDocuments::parse(const std::string& yaml_text, Diagnostics& diagnostics, const YamlLimits& limits) {
  m_nodes.clear();
  m_roots.clear();
  try {
    TreeBuilder builder(m_nodes, m_roots, limits);
    // The usual shape of a spec is read without yaml-cpp's scanner, into
    // the same events; any other text, yaml-cpp reads.
    if (read_block_yaml(yaml_text, builder)) return true;
    std::istringstream input(yaml_text);
    YAML::Parser parser(input);
    while (parser.HandleNextDocument(builder)) {
    }
    return true;
  } catch (const LimitExceeded& exceeded) {
    diagnostics.add(located(exceeded.mark), "", exceeded.message);
  } catch (const NoProgress& stuck) {
    const bool comma = stuck.mark.pos >= 0 && static_cast<std::size_t>(stuck.mark.pos) < yaml_text.size() &&
                       yaml_text[static_cast<std::size_t>(stuck.mark.pos)] == ',';
    diagnostics.add(located(stuck.mark), "",
                    comma ? "invalid YAML: ',' outside a [ ] or { } collection"
                          : "invalid YAML: the parser cannot get past this point");
  } catch (const YAML::DeepRecursion& error) {
    // yaml-cpp's own bound (500 levels), should max_depth be above it.
    diagnostics.add(located(error.mark), "", "too deeply nested (more than " + std::to_string(error.depth() - 1) +
                                                 " levels of lists and mappings)");
  } catch (const YAML::Exception& error) {
    diagnostics.add(located(error.mark), "", "invalid YAML: " + error.msg);
  }
  m_nodes.clear();
  m_roots.clear();
  return false;
}

}  // namespace mosq::spec
