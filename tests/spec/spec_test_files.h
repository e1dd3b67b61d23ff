// Files the spec tests read: the example, the good and bad spec corpora
// (read them with mosq::test::read_file from support/temp_dir.h).
#pragma once

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#ifndef MOSQ_SOURCE_DIR
#error "the test build defines MOSQ_SOURCE_DIR as the project root"
#endif

namespace mosq::spec::test {

inline std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(MOSQ_SOURCE_DIR) / relative;
}

// The *.yaml files of a directory under the project root, sorted.
inline std::vector<std::filesystem::path> yaml_files(const std::string& relative_dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(source_path(relative_dir))) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The value of a "# key: value" header line, "" when there is none.
inline std::string header_value(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  const std::string prefix = "# " + key + ": ";
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, prefix.size(), prefix) == 0) {
      return line.substr(prefix.size());
    }
  }
  return "";
}

}  // namespace mosq::spec::test
