#include "spec/yaml_limits.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <optional>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace mosq::spec {
namespace {

struct LimitExceeded {
  YAML::Mark mark;
  std::string message;
};

struct NoProgress {
  YAML::Mark mark;
};

// Counts every node as the reader will walk it: an alias counts as the
// whole subtree its anchor names.
class LimitCounter : public YAML::EventHandler {
 public:
  explicit LimitCounter(const YamlLimits& limits) : m_limits(limits) {}

  void OnDocumentStart(const YAML::Mark&) override { m_document_events = 0; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_progress(mark);
    leaf(mark, anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    ++m_document_events;
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    ++m_document_events;
    if (++m_aliases > m_limits.max_aliases) {
      throw LimitExceeded{mark, "more than " + std::to_string(m_limits.max_aliases) +
                                    " YAML aliases (*name); write the values out"};
    }
    const auto size = m_anchor_sizes.find(anchor);
    add(mark, size == m_anchor_sizes.end() ? 1 : size->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    ++m_document_events;
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    ++m_document_events;
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    std::size_t nodes_before;
  };

  void add(const YAML::Mark& mark, std::size_t nodes) {
    m_nodes += nodes;
    if (m_nodes > m_limits.max_nodes) {
      throw LimitExceeded{mark, "the YAML holds more than " + std::to_string(m_limits.max_nodes) +
                                    " values once its aliases are expanded"};
    }
  }
  // yaml-cpp 0.7 never consumes a ',' at the start of a document: it
  // reports an empty document there, again and again, for ever
  // (YAML::LoadAll never returns and its memory grows without bound). A
  // document that is one null at the very place of the previous one made
  // no progress.
  void check_progress(const YAML::Mark& mark) {
    const bool alone = ++m_document_events == 1;
    if (alone && m_last_empty_document && m_last_empty_document->pos == mark.pos) {
      throw NoProgress{mark};
    }
    m_last_empty_document = alone ? std::optional<YAML::Mark>(mark) : std::nullopt;
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    if (anchor != 0) m_anchor_sizes[anchor] = 1;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (m_open.size() >= m_limits.max_depth) {
      throw LimitExceeded{mark, "too deeply nested (more than " + std::to_string(m_limits.max_depth) +
                                    " levels of lists and mappings)"};
    }
    m_open.push_back(Open{anchor, m_nodes});
    add(mark, 1);
  }
  void close() {
    if (m_open.empty()) return;
    const Open done = m_open.back();
    m_open.pop_back();
    if (done.anchor != 0) m_anchor_sizes[done.anchor] = m_nodes - done.nodes_before;
  }

  const YamlLimits& m_limits;
  std::size_t m_nodes = 0;
  std::size_t m_aliases = 0;
  std::vector<Open> m_open;
  std::unordered_map<YAML::anchor_t, std::size_t> m_anchor_sizes;
  std::size_t m_document_events = 0;
  std::optional<YAML::Mark> m_last_empty_document;
};

}  // namespace

bool check_yaml_limits(const std::string& yaml_text, Diagnostics& diagnostics, const YamlLimits& limits) {
  std::istringstream input(yaml_text);
  try {
    YAML::Parser parser(input);
    LimitCounter counter(limits);
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const LimitExceeded& exceeded) {
    const Mark mark = exceeded.mark.is_null() ? Mark{1, 1} : Mark{exceeded.mark.line + 1, exceeded.mark.column + 1};
    diagnostics.add(mark, "", exceeded.message);
    return false;
  } catch (const NoProgress& stuck) {
    const bool comma = stuck.mark.pos >= 0 && static_cast<std::size_t>(stuck.mark.pos) < yaml_text.size() &&
                       yaml_text[static_cast<std::size_t>(stuck.mark.pos)] == ',';
    diagnostics.add(Mark{stuck.mark.line + 1, stuck.mark.column + 1}, "",
                    comma ? "invalid YAML: ',' outside a [ ] or { } collection"
                          : "invalid YAML: the parser cannot get past this point");
    return false;
  } catch (const YAML::Exception&) {
    // Not YAML: the parse that builds the tree reports it, located.
  }
  return true;
}

}  // namespace mosq::spec
