#include "util/root.h"

#include <algorithm>
#include <vector>

#include "util/error.h"

namespace mosq {

namespace {

// Already normal: "/" alone, or "/"-separated names that are not empty,
// "." or "..", with no '/' at the end. Nearly every path a spec names.
bool is_normal(std::string_view absolute) {
  if (absolute == "/") return true;
  std::size_t start = 1;  // after a '/'
  for (;;) {
    const std::size_t end = std::min(absolute.find('/', start), absolute.size());
    const std::string_view part = absolute.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == absolute.size()) return true;
    start = end + 1;
  }
}

}  // namespace

std::optional<std::string> normalize_path(std::string_view absolute) {
  if (absolute.empty() || absolute.front() != '/') return std::nullopt;
  if (is_normal(absolute)) return std::string(absolute);
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= absolute.size()) {
    std::size_t end = absolute.find('/', start);
    if (end == std::string_view::npos) end = absolute.size();
    std::string_view part = absolute.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string normal;
  for (std::string_view part : parts) {
    normal += '/';
    normal += part;
  }
  return normal.empty() ? "/" : normal;
}

HostPath HostPath::as_given(std::string path) {
  HostPath given;
  given.m_inside = std::move(path);
  return given;
}

HostPath::HostPath(std::string root, std::string inside)
    : m_root(std::move(root)), m_inside(std::move(inside)), m_confined(true) {}

HostPath HostPath::sibling(const std::string& inside) const {
  if (!m_confined) return as_given(inside);
  return HostPath(m_root, inside);
}

Root::Root(std::string dir, std::string state_dir)
    : m_dir(std::move(dir)), m_state_dir(std::move(state_dir)) {
  while (m_dir.size() > 1 && m_dir.back() == '/') m_dir.pop_back();
  if (m_dir == "/") m_dir.clear();
  while (m_state_dir.size() > 1 && m_state_dir.back() == '/') m_state_dir.pop_back();
}

HostPath Root::host_path(const std::string& spec_path) const {
  const std::string absolute =
      !spec_path.empty() && spec_path.front() == '/' ? spec_path : "/" + spec_path;
  std::optional<std::string> normal = normalize_path(absolute);
  if (!normal) {
    throw Error(spec_path + ": its '..' climbs above /; refusing a path that leaves " +
                (m_dir.empty() ? std::string("the file system") : "--root " + m_dir));
  }
  return HostPath(m_dir, *normal);
}

HostPath Root::state_file() const {
  if (m_state_dir.empty()) return host_path(std::string(k_default_state_dir) + "/state.json");
  return HostPath::as_given(m_state_dir + "/state.json");
}

HostPath Root::apply_lock() const {
  if (!m_state_dir.empty()) return HostPath::as_given(m_state_dir);
  return HostPath(m_dir, "/");
}

std::string parent_path(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace mosq
