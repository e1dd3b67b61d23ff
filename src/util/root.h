// --root DIR: every path the spec names is looked up under DIR on this
// machine, while files written for the broker keep the paths it will see.
// A HostPath keeps the two apart, so the filesystem seam can resolve a
// path inside DIR without ever leaving it (see file_system.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mosq {

// "/etc//mosquitto/./certs/../x" -> "/etc/mosquitto/x", purely by text
// (no link is looked at). nullopt when the path is not absolute or a ".."
// climbs above "/". Every path the spec names goes through this before it
// is used or compared.
std::optional<std::string> normalize_path(std::string_view absolute);

// A path on this machine, as the filesystem seam opens it: the root
// directory it must not leave ("" for none) and the normalised absolute
// path inside it.
class HostPath {
 public:
  // A path the operator gave on the command line (the spec, --root,
  // --state-dir): opened as given, relative to the working directory.
  static HostPath as_given(std::string path);
  // `inside` must be normal (normalize_path) and absolute.
  HostPath(std::string root, std::string inside);

  const std::string& root() const { return m_root; }      // "" when unconfined
  const std::string& inside() const { return m_inside; }  // "/etc/mosquitto/x"
  bool confined() const { return m_confined; }
  // For messages: the path on this machine.
  std::string str() const { return m_root + m_inside; }

  // The same root, another path inside it (normal, absolute).
  HostPath sibling(const std::string& inside) const;

 private:
  HostPath() = default;
  std::string m_root;
  std::string m_inside;
  bool m_confined = false;
};

// What the filesystem seam does when a path's last component is a
// symbolic link (see file_system.h).
enum class LastLink {
  not_followed,  // the link itself: a file the tool manages (or a directory's own entry)
  followed,      // resolved (inside the root): an input the operator names, a directory
};

// Where the tool keeps its own state (state.json) and takes its apply
// lock, unless --state-dir says otherwise: under the root like the rest.
constexpr const char* k_default_state_dir = "/var/lib/mosq-reconcile";

class Root {
 public:
  Root() = default;
  // dir: the --root directory ("" or "/" for none). state_dir: --state-dir
  // (a host directory, outside the root's mapping), "" for the default.
  explicit Root(std::string dir, std::string state_dir = "");

  // "/etc/mosquitto/x" -> the file under the root (unchanged without one).
  // Throws Error for a path whose ".." climbs above "/".
  HostPath host_path(const std::string& spec_path) const;
  // <state dir>/state.json.
  HostPath state_file() const;
  // What apply locks: the --state-dir when given (runs that share a state
  // file manage the same broker), else the root directory ("/" without one).
  HostPath apply_lock() const;

  const std::string& dir() const { return m_dir; }  // "" when unset
  bool empty() const { return m_dir.empty(); }

 private:
  std::string m_dir;
  std::string m_state_dir;  // "" for k_default_state_dir under the root
};

// "/a/b/c" -> "/a/b"; "/a" -> "/".
std::string parent_path(const std::string& path);
// "/a/b/c" -> "c".
std::string base_name(const std::string& path);

}  // namespace mosq
