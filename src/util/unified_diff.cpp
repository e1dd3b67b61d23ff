#include "util/unified_diff.h"

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mosq {
namespace {

// The text's lines, each as a number (equal lines, equal numbers), so the
// diff compares integers; `lines` keeps the text of each.
struct Lines {
  std::vector<std::string_view> text;
  std::vector<std::size_t> id;
};

Lines split_lines(const std::string& text, std::unordered_map<std::string_view, std::size_t>& ids) {
  Lines lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    lines.text.push_back(line);
    lines.id.push_back(ids.emplace(line, ids.size()).first->second);
    start = end + 1;
  }
  return lines;
}

struct Edit {
  char op;  // ' ', '-', '+'
  std::string_view line;
};

// Myers' O((N+M)D) difference algorithm in linear space ("An O(ND)
// Difference Algorithm and Its Variations", 1986, section 4b): find the
// middle snake of the shortest edit script, recurse on both sides. A
// 10,000-line password file with one changed user costs a few passes over
// the lines, not the 10,000 x 10,000 table an LCS needs.
class EditScript {
 public:
  EditScript(const Lines& a, const Lines& b) : m_a(a), m_b(b) {
    const std::size_t size = 2 * (a.id.size() + b.id.size()) + 3;
    m_forward.assign(size, 0);
    m_backward.assign(size, 0);
    compare(0, static_cast<long>(a.id.size()), 0, static_cast<long>(b.id.size()));
  }
  std::vector<Edit>& edits() { return m_edits; }

 private:
  // The step from `start` (the point before one insertion or deletion)
  // to `finish` (the end of the diagonal run after it, or, for a snake
  // found backwards, the diagonal run first and the edit last).
  struct Snake {
    long start_x, start_y, finish_x, finish_y;
    bool edit_first;
  };

  bool same(long x, long y) const { return m_a.id[static_cast<std::size_t>(x)] == m_b.id[static_cast<std::size_t>(y)]; }

  void keep(long x) { m_edits.push_back({' ', m_a.text[static_cast<std::size_t>(x)]}); }
  void remove(long x) { m_edits.push_back({'-', m_a.text[static_cast<std::size_t>(x)]}); }
  void insert(long y) { m_edits.push_back({'+', m_b.text[static_cast<std::size_t>(y)]}); }

  void compare(long a0, long a1, long b0, long b1) {
    while (a0 < a1 && b0 < b1 && same(a0, b0)) keep(a0++), ++b0;
    long suffix = 0;
    while (a1 > a0 && b1 > b0 && same(a1 - 1, b1 - 1)) --a1, --b1, ++suffix;
    if (a0 == a1) {
      for (long y = b0; y < b1; ++y) insert(y);
    } else if (b0 == b1) {
      for (long x = a0; x < a1; ++x) remove(x);
    } else {
      const Snake s = middle_snake(a0, a1, b0, b1);
      compare(a0, s.start_x, b0, s.start_y);
      walk(s);
      compare(s.finish_x, a1, s.finish_y, b1);
    }
    for (long x = a1; x < a1 + suffix; ++x) keep(x);
  }

  // Emits the snake's one edit and its diagonal run, in order.
  void walk(const Snake& s) {
    const long dx = s.finish_x - s.start_x, dy = s.finish_y - s.start_y;
    const long diagonal = std::min(dx, dy);
    auto edit = [&](long x, long y) {
      if (dx > dy) {
        remove(x);
      } else {
        insert(y);
      }
    };
    if (s.edit_first) {
      edit(s.start_x, s.start_y);
      const long x0 = s.start_x + (dx > dy ? 1 : 0);
      for (long i = 0; i < diagonal; ++i) keep(x0 + i);
    } else {
      for (long i = 0; i < diagonal; ++i) keep(s.start_x + i);
      edit(s.start_x + diagonal, s.start_y + diagonal);
    }
  }

  // Both sequences non-empty, and their first and last lines differ.
  Snake middle_snake(long a0, long a1, long b0, long b1) {
    const long n = a1 - a0, m = b1 - b0, delta = n - m;
    const long offset = n + m + 1;
    auto& vf = m_forward;
    auto& vb = m_backward;
    auto at = [offset](std::vector<long>& v, long k) -> long& { return v[static_cast<std::size_t>(k + offset)]; };
    at(vf, 1) = 0;
    at(vb, 1) = 0;
    const bool odd = (delta % 2) != 0;
    for (long d = 0; d <= (n + m + 1) / 2; ++d) {
      for (long k = -d; k <= d; k += 2) {
        long px, x;
        if (k == -d || (k != d && at(vf, k - 1) < at(vf, k + 1))) {
          px = at(vf, k + 1);  // down: an insertion
          x = px;
        } else {
          px = at(vf, k - 1);  // right: a deletion
          x = px + 1;
        }
        const long py = px - (x == px ? k + 1 : k - 1);
        long y = x - k;
        while (x < n && y < m && same(a0 + x, b0 + y)) ++x, ++y;
        at(vf, k) = x;
        const long c = delta - k;  // the backward diagonal over this one
        if (odd && c >= -(d - 1) && c <= d - 1 && x + at(vb, c) >= n) {
          return Snake{a0 + px, b0 + py, a0 + x, b0 + y, true};
        }
      }
      for (long k = -d; k <= d; k += 2) {
        long px, x;
        if (k == -d || (k != d && at(vb, k - 1) < at(vb, k + 1))) {
          px = at(vb, k + 1);
          x = px;
        } else {
          px = at(vb, k - 1);
          x = px + 1;
        }
        const long py = px - (x == px ? k + 1 : k - 1);
        long y = x - k;
        while (x < n && y < m && same(a1 - 1 - x, b1 - 1 - y)) ++x, ++y;
        at(vb, k) = x;
        const long c = delta - k;
        if (!odd && c >= -d && c <= d && x + at(vf, c) >= n) {
          // Back in forward coordinates: the run first, then the edit.
          return Snake{a1 - x, b1 - y, a1 - px, b1 - py, false};
        }
      }
    }
    // Unreachable: a path of length n + m always exists.
    return Snake{a0, b0, a1, b1, true};
  }

  const Lines& m_a;
  const Lines& m_b;
  std::vector<long> m_forward;
  std::vector<long> m_backward;
  std::vector<Edit> m_edits;
};

}  // namespace

std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& before_label, const std::string& after_label) {
  if (before == after) return "";
  std::unordered_map<std::string_view, std::size_t> ids;
  const Lines a = split_lines(before, ids);
  const Lines b = split_lines(after, ids);
  EditScript script(a, b);
  const std::vector<Edit>& edits = script.edits();
  constexpr std::size_t k_context = 3;
  std::string out = "--- " + before_label + "\n+++ " + after_label + "\n";
  // Line numbers before edits[p], kept as p moves forward (hunks in order).
  std::size_t a_line = 1, b_line = 1, counted = 0;
  auto advance_to = [&](std::size_t p) {
    for (; counted < p; ++counted) {
      if (edits[counted].op != '+') ++a_line;
      if (edits[counted].op != '-') ++b_line;
    }
  };
  std::size_t k = 0;
  while (k < edits.size()) {
    while (k < edits.size() && edits[k].op == ' ') ++k;
    if (k == edits.size()) break;
    const std::size_t start = k >= k_context ? k - k_context : 0;
    std::size_t end = k;
    // Extend the hunk while changes are within 2*context of each other.
    for (std::size_t p = k; p < edits.size(); ++p) {
      if (edits[p].op != ' ') {
        end = p;
      } else if (p - end > 2 * k_context) {
        break;
      }
    }
    const std::size_t stop = std::min(edits.size(), end + k_context + 1);
    advance_to(start);
    std::size_t a_count = 0, b_count = 0;
    for (std::size_t p = start; p < stop; ++p) {
      if (edits[p].op != '+') ++a_count;
      if (edits[p].op != '-') ++b_count;
    }
    out += "@@ -" + std::to_string(a_count ? a_line : a_line - 1) + "," + std::to_string(a_count) + " +" +
           std::to_string(b_count ? b_line : b_line - 1) + "," + std::to_string(b_count) + " @@\n";
    for (std::size_t p = start; p < stop; ++p) {
      out += edits[p].op;
      out.append(edits[p].line.data(), edits[p].line.size());
      out += '\n';
    }
    k = stop;
  }
  return out;
}

}  // namespace mosq
