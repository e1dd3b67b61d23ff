#include "observe/observe.h"

#include <unordered_map>

#include "observe/broker_process.h"
#include "observe/ownership.h"
#include "observe/pki.h"
#include "util/digest.h"
#include "util/error.h"

namespace mosq::observe {
namespace {

PasswordVerdict verdict_for(const spec::User& user, const broker::PasswordLine& line,
                            const ResolvedSecrets& secrets) {
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
  return crypto::verify_password(*line.hash, it->second) ? PasswordVerdict::matches
                                                         : PasswordVerdict::differs;
}

ObservedPasswordFile observe_password_file(const spec::Spec& spec, const ResolvedSecrets& secrets,
                                           const FileSystem& fs, const Root& root) {
  ObservedPasswordFile observed;
  std::string content;
  observed.file = observe_file(fs, root, spec.broker.password_file, &content);
  observed.content = broker::parse_password_file(content);
  std::unordered_map<std::string, const spec::User*> wanted;
  for (const spec::User& user : spec.users) {
    if (user.state == spec::UserState::present && user.password) wanted[user.name] = &user;
  }
  for (const broker::PasswordLine& line : observed.content.lines) {
    if (line.user.empty() || observed.verdicts.count(line.user) != 0) continue;
    auto it = wanted.find(line.user);
    if (it != wanted.end()) observed.verdicts[line.user] = verdict_for(*it->second, line, secrets);
  }
  return observed;
}

void check_reachability(const spec::Spec& spec, const FileSystem& fs, const Root& root,
                        Observed& observed) {
  if (!observed.ownership.uid) return;
  std::vector<std::string> files{spec.broker.password_file};
  if (spec.tls) {
    files.push_back(spec.tls->ca.cert_path);
    files.push_back(spec.tls->server.cert_path);
    files.push_back(spec.tls->server.key_path);
  }
  for (const std::string& file : files) {
    for (std::string dir = parent_path(file);; dir = parent_path(dir)) {
      FileInfo info = fs.stat(root.host_path(dir));
      if (info.kind == FileKind::directory && !broker_can_enter(observed.ownership, info)) {
        observed.unreachable.push_back({file, root.host_path(dir)});
        break;
      }
      if (dir == "/") break;
    }
  }
}

}  // namespace

ObservedFile observe_file(const FileSystem& fs, const Root& root, const std::string& path,
                          std::string* content) {
  ObservedFile file;
  file.path = path;
  const std::string host = root.host_path(path);
  file.info = fs.stat(host);
  file.digest = "absent";
  if (!file.info.error.empty()) {
    throw Error(host + ": cannot inspect: " + file.info.error);
  }
  if (!file.info.exists()) return file;
  if (file.info.kind != FileKind::regular) {
    throw Error(host + ": is not a regular file; move it away and run again");
  }
  ReadResult read = fs.read(host);
  if (read.status == ReadStatus::missing) {
    file.info = FileInfo{};
    return file;
  }
  if (read.status != ReadStatus::ok) {
    throw Error(host + ": cannot read: " + read.error);
  }
  file.digest = sha256_hex(read.content);
  if (content != nullptr) *content = std::move(read.content);
  return file;
}

Observed observe(const spec::Spec& spec, const ResolvedSecrets& secrets, const FileSystem& fs,
                 const Host& host, const Root& root) {
  Observed observed;
  observed.ownership = resolve_ownership(spec.broker);
  observed.password_file = observe_password_file(spec, secrets, fs, root);
  observed.config.file = observe_file(fs, root, spec.broker.config_file, &observed.config.content);
  if (spec.tls) observed.pki = observe_pki(spec, secrets, fs, root);
  check_reachability(spec, fs, root, observed);
  observed.broker = observe_broker_process(spec, fs, host, root);
  return observed;
}

}  // namespace mosq::observe
