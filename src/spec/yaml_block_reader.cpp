#include "spec/yaml_block_reader.h"

#include <yaml-cpp/emitterstyle.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>

#include <cstddef>
#include <string>
#include <vector>

namespace mosq::spec {
namespace {

// The text is outside the subset: yaml-cpp reads it instead.
struct NotInSubset {};

// Deeper than any spec (yaml_tree's own limit is 64 levels): left to
// yaml-cpp, which reports it.
constexpr int k_max_depth = 100;

struct Event {
  enum class Kind : unsigned char { null, plain, quoted, map_start, map_end, sequence_start, sequence_end };
  Kind kind;
  YAML::Mark mark;
  std::string_view text;  // a scalar's
  bool flow = false;      // a collection in [ ] or { }
};

// A line that holds a token (not blank, not only a comment).
struct Line {
  std::size_t begin;  // offset of the line's first byte
  std::size_t end;    // offset of its '\n' (or of the text's end)
  int number;         // 0-based
  int indent;         // spaces before its first token
};

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

class Reader {
 public:
  explicit Reader(std::string_view text) : m_text(text) {}

  void read() {
    // Without a newline at the end, yaml-cpp's mark for the end of the
    // stream depends on what the last line holds: left to it.
    if (m_text.empty() || m_text.back() != '\n') throw NotInSubset{};
    split_lines();
    if (m_lines.empty()) throw NotInSubset{};  // no token (comments only): yaml-cpp's to describe
    m_column = m_lines[0].begin + static_cast<std::size_t>(m_lines[0].indent);
    m_document_mark = mark_at(m_column);
    if (m_lines[0].indent == 0 && rest() == "---") {
      next_line();
      if (at_end()) throw NotInSubset{};
    }
    node(m_lines[m_line].indent, 0);
    if (!at_end()) throw NotInSubset{};  // something left at a lower indentation
  }

  void replay(YAML::EventHandler& handler) const {
    handler.OnDocumentStart(m_document_mark);
    std::string text;
    for (const Event& event : m_events) {
      switch (event.kind) {
        case Event::Kind::null:
          handler.OnNull(event.mark, 0);
          break;
        case Event::Kind::plain:
        case Event::Kind::quoted:
          text.assign(event.text.data(), event.text.size());
          handler.OnScalar(event.mark, event.kind == Event::Kind::plain ? "?" : "!", 0, text);
          break;
        case Event::Kind::map_start:
          handler.OnMapStart(event.mark, "?", 0, event.flow ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
          break;
        case Event::Kind::map_end:
          handler.OnMapEnd();
          break;
        case Event::Kind::sequence_start:
          handler.OnSequenceStart(event.mark, "?", 0,
                                  event.flow ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
          break;
        case Event::Kind::sequence_end:
          handler.OnSequenceEnd();
          break;
      }
    }
    handler.OnDocumentEnd();
  }

 private:
  // Every line with a token, after checking every byte of the text.
  void split_lines() {
    std::size_t begin = 0;
    int number = 0;
    while (begin < m_text.size()) {
      std::size_t end = begin;
      while (end < m_text.size() && m_text[end] != '\n') {
        const char c = m_text[end];
        if (c < 0x20 || c > 0x7e) throw NotInSubset{};  // tab, CR, control, UTF-8 (a BOM too)
        ++end;
      }
      std::size_t first = begin;
      while (first < end && m_text[first] == ' ') ++first;
      if (first < end && m_text[first] != '#') {
        m_lines.push_back(Line{begin, end, number, static_cast<int>(first - begin)});
      }
      begin = end + 1;
      ++number;
    }
    // yaml-cpp marks the end of the stream after the last newline.
    m_end_mark.pos = static_cast<int>(m_text.size());
    m_end_mark.line = number;
    m_end_mark.column = 0;
  }

  bool at_end() const { return m_line >= m_lines.size(); }
  // Where the next token starts: the cursor, or the end of the stream.
  std::size_t position() const { return at_end() ? m_text.size() : m_column; }
  int column() const { return static_cast<int>(m_column - m_lines[m_line].begin); }
  std::string_view rest() const {
    return m_text.substr(m_column, m_lines[m_line].end - m_column);
  }
  // The mark of an offset on the cursor's line (the end of the stream past the last).
  YAML::Mark mark_at(std::size_t offset) const {
    if (at_end()) return m_end_mark;
    YAML::Mark mark;
    mark.pos = static_cast<int>(offset);
    mark.line = m_lines[m_line].number;
    mark.column = static_cast<int>(offset - m_lines[m_line].begin);
    return mark;
  }
  void next_line() {
    ++m_line;
    if (!at_end()) m_column = m_lines[m_line].begin + static_cast<std::size_t>(m_lines[m_line].indent);
  }
  void emit(Event::Kind kind, std::size_t offset, std::string_view text = {}, bool flow = false) {
    m_events.push_back(Event{kind, mark_at(offset), text, flow});
  }

  // "- " or a lone "-" at the cursor.
  bool at_item() const {
    const std::string_view r = rest();
    return !r.empty() && r[0] == '-' && (r.size() == 1 || r[1] == ' ');
  }
  // The length of a key at the cursor ("name" of "name: ..." or "name:"), 0 if none.
  std::size_t key_length() const {
    const std::string_view r = rest();
    std::size_t n = 0;
    while (n < r.size() && is_key_char(r[n])) ++n;
    if (n == 0 || r[0] == '-' || n >= r.size() || r[n] != ':') return 0;
    if (n + 1 < r.size() && r[n + 1] != ' ') return 0;
    return n;
  }

  // A block node whose first token is at the cursor, `indent` its column.
  void node(int indent, int depth) {
    if (depth > k_max_depth) throw NotInSubset{};
    if (at_item()) {
      sequence(indent, depth);
    } else if (key_length() != 0) {
      mapping(indent, depth);
    } else {
      throw NotInSubset{};  // a scalar or anything else standing alone
    }
  }

  // After a value on the line: the next line must not be indented under
  // it (that would be a multi-line scalar or an error).
  void end_of_value_line(int indent) {
    next_line();
    if (!at_end() && m_lines[m_line].indent > indent) throw NotInSubset{};
  }

  void sequence(int indent, int depth) {
    emit(Event::Kind::sequence_start, m_column);
    while (!at_end() && column() == indent && at_item()) {
      m_column += 1;
      while (m_column < m_lines[m_line].end && m_text[m_column] == ' ') ++m_column;
      const std::string_view r = rest();
      if (r.empty() || r[0] == '#') {  // "-" alone: the item is below, or null
        next_line();
        if (!at_end() && m_lines[m_line].indent > indent) {
          node(m_lines[m_line].indent, depth + 1);
        } else {
          emit(Event::Kind::null, position());
        }
      } else if (at_item()) {
        throw NotInSubset{};  // "- - x"
      } else if (key_length() != 0) {
        mapping(column(), depth + 1);  // "- key: ...": a mapping at the key's column
      } else {
        scalar_value();
        end_of_value_line(indent);
      }
      if (!at_end() && m_lines[m_line].indent > indent) throw NotInSubset{};
    }
    emit(Event::Kind::sequence_end, position());
  }

  void mapping(int indent, int depth) {
    emit(Event::Kind::map_start, m_column);
    while (!at_end() && column() == indent) {
      const std::size_t length = key_length();
      if (length == 0) {
        if (at_item()) break;  // an indentless sequence's item ends it: the caller's
        throw NotInSubset{};
      }
      const std::string_view key = rest().substr(0, length);
      if (key == "null" || key == "Null" || key == "NULL") throw NotInSubset{};  // a null key
      emit(Event::Kind::plain, m_column, key);
      m_column += length + 1;
      while (m_column < m_lines[m_line].end && m_text[m_column] == ' ') ++m_column;
      const std::string_view r = rest();
      if (!r.empty() && r[0] != '#') {
        scalar_value();
        end_of_value_line(indent);
        continue;
      }
      next_line();
      if (at_end()) {
        emit(Event::Kind::null, position());
      } else if (m_lines[m_line].indent > indent) {
        node(m_lines[m_line].indent, depth + 1);
      } else if (m_lines[m_line].indent == indent && at_item()) {
        sequence(indent, depth + 1);  // "key:" then "- item" at the key's own column
      } else {
        emit(Event::Kind::null, position());
      }
      if (!at_end() && m_lines[m_line].indent > indent) throw NotInSubset{};
    }
    emit(Event::Kind::map_end, position());
  }

  // A value at the cursor and the rest of its line: a one-line scalar, or
  // a [ ] or { } of one-line scalars closed on the same line.
  void scalar_value() {
    const char first = m_text[m_column];
    if (first == '[' || first == '{') {
      flow_collection();
    } else {
      m_column += scalar(m_column, false);
    }
    // Nothing more on the line but a comment, after a space.
    const std::size_t end = m_lines[m_line].end;
    const std::size_t last = m_column;
    while (m_column < end && m_text[m_column] == ' ') ++m_column;
    if (m_column < end && !(m_text[m_column] == '#' && m_column > last)) throw NotInSubset{};
  }

  void skip_spaces() {
    while (m_column < m_lines[m_line].end && m_text[m_column] == ' ') ++m_column;
  }
  char peek() const { return m_column < m_lines[m_line].end ? m_text[m_column] : '\n'; }

  // "[a, "b"]" or "{k: v, k2: "v"}" at the cursor, on one line, nothing nested.
  void flow_collection() {
    const bool map = m_text[m_column] == '{';
    const char close = map ? '}' : ']';
    emit(map ? Event::Kind::map_start : Event::Kind::sequence_start, m_column, {}, true);
    ++m_column;
    skip_spaces();
    if (peek() != close) {
      for (;;) {
        if (map) {
          const std::size_t length = key_length();
          if (length == 0 || m_column + length + 1 >= m_lines[m_line].end) throw NotInSubset{};
          const std::string_view key = m_text.substr(m_column, length);
          if (key == "null" || key == "Null" || key == "NULL") throw NotInSubset{};
          emit(Event::Kind::plain, m_column, key);
          m_column += length + 1;  // past the ':' (a space follows: key_length)
          skip_spaces();
        }
        m_column += scalar(m_column, true);
        skip_spaces();
        const char c = peek();
        if (c == close) break;
        if (c != ',') throw NotInSubset{};
        ++m_column;
        skip_spaces();
        if (peek() == close) throw NotInSubset{};  // a trailing ','
      }
    }
    ++m_column;  // the close
    emit(map ? Event::Kind::map_end : Event::Kind::sequence_end, m_column);
  }

  // A one-line scalar at `start` (inside [ ] or { } when `flow`); its length
  // in the text, trailing spaces of a plain one excluded.
  std::size_t scalar(std::size_t start, bool flow) {
    const std::string_view r = m_text.substr(start, m_lines[m_line].end - start);
    if (r.empty()) throw NotInSubset{};
    const char first = r[0];
    if (first == '"' || first == '\'') {
      const std::size_t close = r.find(first, 1);
      if (close == std::string_view::npos) throw NotInSubset{};  // multi-line: yaml-cpp's
      const std::string_view inside = r.substr(1, close - 1);
      if (first == '"' && inside.find('\\') != std::string_view::npos) throw NotInSubset{};
      if (first == '\'' && close + 1 < r.size() && r[close + 1] == '\'') throw NotInSubset{};  // '' escape
      emit(Event::Kind::quoted, start, inside);
      return close + 1;
    }
    // A plain scalar. Its first character may not be an indicator ("-1" is plain).
    static constexpr std::string_view k_indicators = "-?:,[]{}#&*!|>'\"%@`";
    if (k_indicators.find(first) != std::string_view::npos &&
        !(first == '-' && r.size() > 1 && r[1] != ' ' && !(flow && (r[1] == ',' || r[1] == ']' || r[1] == '}')))) {
      throw NotInSubset{};
    }
    std::size_t end = 0;
    while (end < r.size()) {
      const char c = r[end];
      if (c == '#') {
        if (r[end - 1] != ' ') throw NotInSubset{};  // "a#b": left to yaml-cpp
        break;                                        // " #": a comment
      }
      if (flow && (c == ',' || c == ']' || c == '}')) break;
      // In [ ] and { }, yaml-cpp takes some characters as tokens even inside
      // a plain scalar ("brok?er": "unknown token"): only these are read here.
      if (flow && !is_key_char(c) && c != ' ' && c != '.' && c != '/' && c != '@' && c != '+' && c != '=') {
        throw NotInSubset{};
      }
      if (c == '[' || c == ']' || c == '{' || c == '}' || c == ',') throw NotInSubset{};
      if (c == ':' && (flow || end + 1 == r.size() || r[end + 1] == ' ')) throw NotInSubset{};
      ++end;
    }
    std::size_t length = end;
    while (length > 0 && r[length - 1] == ' ') --length;
    const std::string_view value = r.substr(0, length);
    // yaml-cpp gives these plain scalars as nulls.
    if (value == "~" || value == "null" || value == "Null" || value == "NULL") {
      emit(Event::Kind::null, start);
    } else {
      emit(Event::Kind::plain, start, value);
    }
    return length;
  }

  std::string_view m_text;
  std::vector<Line> m_lines;
  std::size_t m_line = 0;
  std::size_t m_column = 0;  // offset of the cursor in the text
  YAML::Mark m_document_mark;
  YAML::Mark m_end_mark;
  std::vector<Event> m_events;
};

}  // namespace

bool read_block_yaml(std::string_view text, YAML::EventHandler& handler) {
  Reader reader(text);
  try {
    reader.read();
  } catch (const NotInSubset&) {
    return false;
  }
  reader.replay(handler);
  return true;
}

}  // namespace mosq::spec
