#include "util/root.h"

namespace mosq {

Root::Root(std::string dir) : m_dir(std::move(dir)) {
  while (m_dir.size() > 1 && m_dir.back() == '/') m_dir.pop_back();
  if (m_dir == "/") m_dir.clear();
}

std::string Root::host_path(const std::string& spec_path) const {
  if (m_dir.empty()) return spec_path;
  if (!spec_path.empty() && spec_path.front() == '/') return m_dir + spec_path;
  return m_dir + "/" + spec_path;
}

std::string parent_path(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace mosq
