// --root DIR: every path the spec names is looked up under DIR on this
// machine, while files written for the broker keep the paths it will see.
#pragma once

#include <string>

namespace mosq {

class Root {
 public:
  Root() = default;
  explicit Root(std::string dir);

  // "/etc/mosquitto/x" -> "<dir>/etc/mosquitto/x" (unchanged without a root).
  std::string host_path(const std::string& spec_path) const;
  const std::string& dir() const { return m_dir; }  // "" when unset
  bool empty() const { return m_dir.empty(); }

 private:
  std::string m_dir;
};

// "/a/b/c" -> "/a/b"; "/a" -> "/".
std::string parent_path(const std::string& path);

}  // namespace mosq
