// yaml-cpp parse events written down one per line (kind, mark, tag, text),
// to compare spec::read_block_yaml with yaml-cpp's own parser. Header-only:
// the fuzz target fuzz/yaml_block_reader_fuzz.cpp includes it too.
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <optional>
#include <sstream>
#include <string>

#include "spec/yaml_block_reader.h"

namespace mosq::test {

class YamlEventLog : public YAML::EventHandler {
 public:
  const std::string& text() const { return m_log; }

  void OnDocumentStart(const YAML::Mark& mark) override { add("document", mark); }
  void OnDocumentEnd() override { m_log += "end document\n"; }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    add("null", mark, "", std::to_string(anchor));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    add("alias", mark, "", std::to_string(anchor));
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    add("scalar", mark, tag, std::to_string(anchor) + " [" + value + "]");
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    add("sequence", mark, tag, std::to_string(anchor) + " style " + std::to_string(style));
  }
  void OnSequenceEnd() override { m_log += "end sequence\n"; }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    add("map", mark, tag, std::to_string(anchor) + " style " + std::to_string(style));
  }
  void OnMapEnd() override { m_log += "end map\n"; }

 private:
  void add(const char* kind, const YAML::Mark& mark, const std::string& tag = "", const std::string& rest = "") {
    m_log += std::string(kind) + " " + std::to_string(mark.line) + ":" + std::to_string(mark.column) + "@" +
             std::to_string(mark.pos) + " " + tag + " " + rest + "\n";
  }
  std::string m_log;
};

// yaml-cpp's events for the text, every document; nullopt when it throws.
inline std::optional<std::string> yaml_cpp_events(const std::string& text) {
  std::istringstream input(text);
  YamlEventLog log;
  try {
    YAML::Parser parser(input);
    // A bound on documents: yaml-cpp 0.7 never gets past a ',' starting one.
    for (int documents = 0; parser.HandleNextDocument(log); ++documents) {
      if (documents > 1000) return std::nullopt;
    }
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
  return log.text();
}

// read_block_yaml's events; nullopt when the text is not in its subset.
inline std::optional<std::string> block_reader_events(const std::string& text) {
  YamlEventLog log;
  if (!spec::read_block_yaml(text, log)) return std::nullopt;
  return log.text();
}

}  // namespace mosq::test
