#include "util/unified_diff.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace mosq {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

struct Edit {
  char op;  // ' ', '-', '+'
  std::string line;
};

// Longest-common-subsequence edit script; the files we diff are small.
std::vector<Edit> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', a[i++]});
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      edits.push_back({'-', a[i++]});  // deletions first, as diff -u shows them
    } else {
      edits.push_back({'+', b[j++]});
    }
  }
  return edits;
}

}  // namespace

std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& before_label, const std::string& after_label) {
  if (before == after) return "";
  const auto edits = edit_script(split_lines(before), split_lines(after));
  constexpr size_t k_context = 3;
  std::ostringstream out;
  out << "--- " << before_label << "\n+++ " << after_label << "\n";
  size_t k = 0;
  while (k < edits.size()) {
    while (k < edits.size() && edits[k].op == ' ') ++k;
    if (k == edits.size()) break;
    size_t start = k >= k_context ? k - k_context : 0;
    size_t end = k;
    // Extend the hunk while changes are within 2*context of each other.
    for (size_t p = k; p < edits.size(); ++p) {
      if (edits[p].op != ' ') end = p;
      else if (p - end > 2 * k_context) break;
    }
    size_t stop = std::min(edits.size(), end + k_context + 1);
    size_t a_line = 1, b_line = 1;
    for (size_t p = 0; p < start; ++p) {
      if (edits[p].op != '+') ++a_line;
      if (edits[p].op != '-') ++b_line;
    }
    size_t a_count = 0, b_count = 0;
    for (size_t p = start; p < stop; ++p) {
      if (edits[p].op != '+') ++a_count;
      if (edits[p].op != '-') ++b_count;
    }
    out << "@@ -" << (a_count ? a_line : a_line - 1) << "," << a_count << " +"
        << (b_count ? b_line : b_line - 1) << "," << b_count << " @@\n";
    for (size_t p = start; p < stop; ++p) out << edits[p].op << edits[p].line << "\n";
    k = stop;
  }
  return out.str();
}

}  // namespace mosq
