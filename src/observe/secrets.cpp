#include "observe/secrets.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "observe/read_limits.h"
#include "spec/spec_error.h"
#include "util/error.h"
#include "util/parallel_for.h"

namespace mosq::observe {
namespace {

// Below this many password files, one thread reads them.
constexpr std::size_t k_parallel_min_secret_files = 64;

void wipe(std::string& text) {
  std::fill(text.begin(), text.end(), '\0');
  text.clear();
}

std::string first_line(const std::string& content) {
  auto end = content.find('\n');
  std::string line = content.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

ResolvedSecrets resolve_secrets(const spec::Spec& spec, const FileSystem& fs, const Root& root,
                                const EnvLookup& env, unsigned workers) {
  ResolvedSecrets secrets;
  // Every missing or empty source is reported in one run, not one per run.
  std::vector<spec::Diagnostic> problems;
  auto problem = [&](const spec::Mark& mark, const std::string& field, const std::string& message) {
    problems.push_back(spec::Diagnostic{spec.source_file, mark, field, message});
  };
  // Password files are read first, on the pool when there are many (each
  // read resolves its directory inside the root and opens, checks and reads
  // the file: tens of microseconds of system calls), into one slot per user;
  // they are then taken in spec order below, so the first error is the same.
  struct Reads {
    std::vector<ReadResult> slots;
    ~Reads() {  // what was read and not taken (an error stopped the loop) is wiped too
      for (ReadResult& read : slots) wipe(read.content);
    }
  } pending{std::vector<ReadResult>(spec.users.size())};
  std::vector<ReadResult>& reads = pending.slots;
  std::vector<std::size_t> file_users;
  secrets.passwords.reserve(spec.users.size());
  for (std::size_t i = 0; i < spec.users.size(); ++i) {
    const spec::User& user = spec.users[i];
    if (user.state == spec::UserState::present && user.password &&
        user.password->kind == spec::PasswordSourceKind::file) {
      file_users.push_back(i);
    }
  }
  parallel_for(file_users.size(), file_users.size() < k_parallel_min_secret_files ? 1u : workers,
               [&](std::size_t k) {
                 const std::size_t i = file_users[k];
                 // An input the operator names: a link is followed (a
                 // Kubernetes secret volume is made of them), inside the root all the same.
                 reads[i] = fs.read(root.host_path(spec.users[i].password->value), k_max_secret_bytes,
                                    LastLink::followed);
               });
  for (std::size_t i = 0; i < spec.users.size(); ++i) {
    const spec::User& user = spec.users[i];
    if (user.state != spec::UserState::present || !user.password) continue;
    const spec::PasswordSource& source = *user.password;
    // Only for a message: not built for each of 10,000 users that have no problem.
    auto field = [i] { return "users[" + std::to_string(i) + "]"; };
    if (source.kind == spec::PasswordSourceKind::env) {
      auto value = env(source.value);
      if (!value || value->empty()) {
        problem(user.mark, field() + ".password_env",
                "environment variable " + source.value + (value ? " is empty" : " is not set") +
                    " (user " + user.name + ")");
        continue;
      }
      secrets.passwords.emplace(user.name, Secret(std::move(*value)));
    } else if (source.kind == spec::PasswordSourceKind::file) {
      auto path = [&] { return root.host_path(source.value).str(); };  // for a message
      ReadResult& read = reads[i];
      if (read.status != ReadStatus::ok) {
        problem(user.mark, field() + ".password_file",
                "cannot read " + path() + ": " + read.error + " (user " + user.name + ")");
        continue;
      }
      Secret password(first_line(read.content));
      wipe(read.content);
      if (password.empty()) {
        problem(user.mark, field() + ".password_file",
                path() + ": first line is empty (user " + user.name + ")");
        continue;
      }
      secrets.passwords.emplace(user.name, std::move(password));
    }
  }
  if (spec.tls && spec.tls->ca.passphrase_env) {
    const spec::CertificateSpec& ca = spec.tls->ca;
    const std::string& var = *ca.passphrase_env;
    auto value = env(var);
    if (value && !value->empty()) {
      secrets.ca_passphrase = Secret(std::move(*value));
    } else {
      const std::string missing = "environment variable " + var + (value ? " is empty" : " is not set");
      secrets.ca_passphrase_missing = missing;
      // A given CA's key may be absent on a run that issues nothing (cron,
      // --plan): observe asks for its passphrase only when the key is
      // there. So may a managed CA's key file that an earlier run opened
      // with the passphrase (observe/pki.cpp checks it against that
      // run's record). A key still to be made needs it now.
      const bool key_file_exists =
          !ca.key_env && !ca.key_path.empty() &&
          fs.stat(root.host_path(ca.key_path), LastLink::not_followed).exists();
      if (ca.managed && !key_file_exists) {
        problem(ca.mark, "tls.ca.passphrase_env",
                missing + " (it holds the CA key's passphrase, needed to encrypt the new CA key)");
      }
    }
  }
  if (!problems.empty()) throw spec::SpecError(std::move(problems));
  secrets.recorded = read_tool_state(fs, root);
  secrets.ca_key = resolve_ca_key(spec, fs, root, env, secrets.ca_passphrase ? &*secrets.ca_passphrase : nullptr,
                                  secrets.recorded);
  return secrets;
}

}  // namespace mosq::observe
