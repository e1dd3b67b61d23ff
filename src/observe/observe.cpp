#include "observe/observe.h"

#include <map>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "observe/broker_process.h"
#include "observe/ownership.h"
#include "observe/pki.h"
#include "observe/read_limits.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/parallel_for.h"

namespace mosq::observe {
namespace {

// Below this size the digest is taken first, on this thread.
constexpr std::size_t k_digest_beside_parse_bytes = 256 * 1024;

// The content's digest, and `parse` run on it (a large text: on two
// threads at once, when a second can be had).
std::string digest_and_parse(const std::string& text, const std::function<void(const std::string&)>& parse) {
  if (!parse) return sha256_hex(text);
  std::string digest;
  std::thread hashing;
  if (text.size() >= k_digest_beside_parse_bytes) {
    try {
      hashing = std::thread([&] { digest = sha256_hex(text); });
    } catch (const std::system_error&) {  // none: one after the other
    }
  }
  if (!hashing.joinable()) digest = sha256_hex(text);
  try {
    parse(text);
  } catch (...) {
    if (hashing.joinable()) hashing.join();
    throw;
  }
  if (hashing.joinable()) hashing.join();
  return digest;
}

// A line of a spec user whose password comes from the environment or a
// file: its hash is checked against that password (PBKDF2, the dear part).
struct Verification {
  const std::string* user;
  const crypto::PasswordHash* hash;
  const Secret* password;
};

// A verification's cost in PBKDF2 iterations ($6$ is one SHA-512).
long long cost_of(const crypto::PasswordHash& hash) {
  return hash.scheme == crypto::HashScheme::sha512_pbkdf2 ? hash.iterations : 1;
}

// Below this many iterations in all (about a millisecond on one core),
// starting threads costs more than it saves.
constexpr long long k_parallel_min_iterations = 20'000;

// The verdict of a line that needs no PBKDF2: a password_hash source, an
// unparsed line, a user whose secret was not resolved. nullopt: verify.
std::optional<PasswordVerdict> verdict_without_verifying(const spec::User& user,
                                                         const broker::PasswordLine& line,
                                                         const ResolvedSecrets& secrets,
                                                         const Secret** password) {
  if (!line.hash) return PasswordVerdict::unparsed;
  const spec::PasswordSource& source = *user.password;
  if (source.kind == spec::PasswordSourceKind::hash) {
    // A pre-hashed password matches only the same hash (salts differ otherwise).
    std::string why;
    auto wanted = crypto::parse_password_hash(source.value, &why);
    return wanted && crypto::format_password_hash(*wanted) ==
                         crypto::format_password_hash(*line.hash)
               ? PasswordVerdict::matches
               : PasswordVerdict::differs;
  }
  auto it = secrets.passwords.find(user.name);
  if (it == secrets.passwords.end()) return PasswordVerdict::differs;
  *password = &it->second;
  return std::nullopt;
}

ObservedPasswordFile observe_password_file(const spec::Spec& spec, const ResolvedSecrets& secrets,
                                           const FileSystem& fs, const Host& host,
                                           const Root& root) {
  ObservedPasswordFile observed;
  observed.file = observe_file(fs, root, spec.broker.password_file, k_max_password_file_bytes, nullptr,
                               [&](const std::string& text) { observed.content = broker::parse_password_file(text); });
  // The spec users with a password, by name (views of the spec's strings).
  struct Wanted {
    const spec::User* user;
    bool seen;
  };
  std::unordered_map<std::string_view, Wanted> wanted;
  wanted.reserve(spec.users.size());
  for (const spec::User& user : spec.users) {
    if (user.state == spec::UserState::present && user.password) wanted[user.name] = Wanted{&user, false};
  }
  observed.verdicts.reserve(wanted.size());
  // The first line of each spec user decides; lines needing PBKDF2 are
  // collected in file order and verified on the pool below.
  std::vector<Verification> verifications;
  long long cost = 0;
  for (const broker::PasswordLine& line : observed.content.lines) {
    if (line.user.empty()) continue;
    auto it = wanted.find(line.user);
    if (it == wanted.end() || it->second.seen) continue;
    it->second.seen = true;
    const Secret* password = nullptr;
    if (auto verdict = verdict_without_verifying(*it->second.user, line, secrets, &password)) {
      observed.verdicts.emplace(line.user, *verdict);
      continue;
    }
    verifications.push_back({&line.user, &*line.hash, password});
    cost += cost_of(*line.hash);
  }
  // Each verification writes only its own slot: the verdicts are the same
  // whatever the number of threads, and an OpenSSL failure surfaces as the
  // first failing line's error (parallel_for rethrows the lowest index).
  std::vector<char> matches(verifications.size(), 0);
  const unsigned workers = cost < k_parallel_min_iterations ? 1u : host.usable_cpus();
  parallel_for(verifications.size(), workers, [&](std::size_t i) {
    matches[i] = crypto::verify_password(*verifications[i].hash, *verifications[i].password) ? 1 : 0;
  });
  for (std::size_t i = 0; i < verifications.size(); ++i) {
    observed.verdicts.emplace(*verifications[i].user,
                              matches[i] != 0 ? PasswordVerdict::matches : PasswordVerdict::differs);
  }
  return observed;
}

void check_reachability(const spec::Spec& spec, const FileSystem& fs, const Root& root,
                        Observed& observed) {
  if (!observed.ownership.uid) return;
  std::vector<std::string> files{spec.broker.password_file};
  if (spec.broker.acl_file) files.push_back(*spec.broker.acl_file);
  if (spec.tls) {
    files.push_back(spec.tls->ca.cert_path);
    files.push_back(spec.tls->server.cert_path);
    files.push_back(spec.tls->server.key_path);
  }
  // The files share directories: each is looked at once.
  std::map<std::string, FileInfo> seen;
  for (const std::string& file : files) {
    for (std::string dir = parent_path(file);; dir = parent_path(dir)) {
      const HostPath host = root.host_path(dir);
      auto [it, first] = seen.try_emplace(dir);
      if (first) it->second = fs.stat(host, LastLink::followed);
      const FileInfo& info = it->second;
      if (info.kind == FileKind::directory && !broker_can_enter(observed.ownership, info)) {
        observed.unreachable.push_back({file, host.str()});
        break;
      }
      if (dir == "/") break;
    }
  }
}

// Every file the tool writes, the state file included.
std::vector<HostPath> written_files(const spec::Spec& spec, const Root& root) {
  std::vector<std::string> paths{spec.broker.config_file, spec.broker.password_file};
  if (spec.broker.acl_file) paths.push_back(*spec.broker.acl_file);
  if (spec.tls) {
    if (spec.tls->ca.managed) {  // a given CA (managed: false) is never written here
      paths.push_back(spec.tls->ca.key_path);
      paths.push_back(spec.tls->ca.cert_path);
    }
    paths.push_back(spec.tls->server.key_path);
    paths.push_back(spec.tls->server.cert_path);
    for (const spec::ClientCertificateSpec& client : spec.tls->clients) {
      paths.push_back(client.certificate.key_path);
      paths.push_back(client.certificate.cert_path);
    }
  }
  std::vector<HostPath> files;
  for (const std::string& path : paths) files.push_back(root.host_path(path));
  files.push_back(root.state_file());
  return files;
}

std::vector<StaleTempFile> find_stale_temp_files(const spec::Spec& spec, const FileSystem& fs,
                                                 const Root& root) {
  std::vector<StaleTempFile> found;
  const std::vector<HostPath> files = written_files(spec, root);
  std::vector<std::vector<std::string>> names = fs.stale_temp_files(files);
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (std::string& name : names[i]) {
      std::string shown = parent_path(files[i].inside()) + "/" + name;
      found.push_back({files[i], std::move(name), std::move(shown)});
    }
  }
  return found;
}

}  // namespace

ObservedFile observe_file(const FileSystem& fs, const Root& root, const std::string& path,
                          std::size_t max_bytes, std::string* content,
                          const std::function<void(const std::string&)>& parse) {
  ObservedFile file;
  file.path = path;
  const HostPath host = root.host_path(path);
  // Usually there and readable: one open, its fstat the file's facts. (A
  // FIFO put there is opened without waiting and refused; making a device
  // node takes root already.)
  ReadResult read = fs.read(host, max_bytes, LastLink::not_followed);
  if (read.status != ReadStatus::ok) {
    // Stat says why (absent, a link, a FIFO); a regular file is read again.
    const FileInfo info = fs.stat(host, LastLink::not_followed);
    file.digest = "absent";
    if (!info.error.empty()) {
      throw Error(host.str() + ": cannot inspect: " + info.error);
    }
    if (!info.exists()) return file;
    if (info.kind == FileKind::symlink) {
      // Never acted on through the link: its target is not what the spec
      // names (and Mosquitto 2.1 opens its files O_NOFOLLOW).
      throw Error(host.str() +
                  ": is a symbolic link; mosq-reconcile manages this path itself and does not "
                  "follow links there (nor does Mosquitto 2.1): remove the link, or name the "
                  "file it points to in the spec, and run again");
    }
    if (info.kind != FileKind::regular) {
      throw Error(host.str() + ": is not a regular file; move it away and run again");
    }
    read = fs.read(host, max_bytes, LastLink::not_followed);
    if (read.status == ReadStatus::missing) return file;
    if (read.status != ReadStatus::ok) {
      throw Error(host.str() + ": cannot read: " + read.error);
    }
  }
  file.info = read.info;
  file.digest = digest_and_parse(read.content, parse);
  if (content != nullptr) *content = std::move(read.content);
  return file;
}

Observed observe(const spec::Spec& spec, const ResolvedSecrets& secrets, const FileSystem& fs,
                 const Host& host, const Root& root) {
  Observed observed;
  observed.ownership = resolve_ownership(spec.broker);
  observed.password_file = observe_password_file(spec, secrets, fs, host, root);
  observed.config.file = observe_file(fs, root, spec.broker.config_file, k_max_config_bytes,
                                      &observed.config.content);
  observed.main_config = observe_main_config(spec, fs, root);
  if (spec.broker.acl_file) {
    ObservedAclFile& acl = observed.acl_file.emplace();
    acl.file = observe_file(fs, root, *spec.broker.acl_file, k_max_acl_file_bytes, &acl.content);
    acl.parsed = broker::parse_acl_file(acl.content);
  }
  if (spec.tls) observed.pki = observe_pki(spec, secrets, fs, root);
  check_reachability(spec, fs, root, observed);
  observed.broker = observe_broker_process(spec, fs, host, secrets.recorded, root);
  observed.stale_temp_files = find_stale_temp_files(spec, fs, root);
  return observed;
}

}  // namespace mosq::observe
