#include "support/integration.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <sstream>
#include <stdexcept>

namespace mosq::test {

// --- SpecYaml -----------------------------------------------------------------------

SpecYaml& SpecYaml::user_env(const std::string& name, const std::string& var) {
  users.push_back("name: " + name + "\n    password_env: " + var);
  return *this;
}
SpecYaml& SpecYaml::user_file(const std::string& name, const std::string& path) {
  users.push_back("name: " + name + "\n    password_file: " + path);
  return *this;
}
SpecYaml& SpecYaml::user_hash(const std::string& name, const std::string& hash) {
  users.push_back("name: " + name + "\n    password_hash: \"" + hash + "\"");
  return *this;
}
SpecYaml& SpecYaml::user_absent(const std::string& name) {
  users.push_back("name: " + name + "\n    state: absent");
  return *this;
}

namespace {

void cert_yaml(std::ostringstream& out, const CertYaml& c, bool with_sans) {
  out << "    subject: " << c.subject << "\n";
  if (with_sans && !c.sans.empty()) {
    out << "    subject_alt_names: [";
    for (size_t i = 0; i < c.sans.size(); ++i) out << (i ? ", " : " ") << '"' << c.sans[i] << '"';
    out << " ]\n";
  }
  out << "    key_type: " << c.key_type << "\n";
  if (c.validity_days) out << "    validity_days: " << c.validity_days << "\n";
  if (c.renew_before_days) out << "    renew_before_days: " << c.renew_before_days << "\n";
  if (!c.cert.empty()) out << "    cert: " << c.cert << "\n";
  if (!c.key.empty()) out << "    key: " << c.key << "\n";
}

}  // namespace

std::string SpecYaml::yaml() const {
  std::ostringstream out;
  out << "version: 1\n"
      << "broker:\n"
      << "  config_file: " << config_file << "\n"
      << "  password_file: " << password_file << "\n"
      << "  allow_anonymous: " << (allow_anonymous ? "true" : "false") << "\n"
      << "  unlisted_users: " << unlisted_users << "\n"
      << "listeners:\n";
  if (tls) {
    out << "  - port: 8883\n"
        << "    tls_version: tlsv1.2\n"
        << "    require_certificate: " << (clients.empty() ? "false" : "true") << "\n";
  }
  out << "  - port: 1883\n"
      << "    bind_address: 127.0.0.1\n"
      << "    tls: false\n";
  if (users.empty()) {
    out << "users: []\n";
  } else {
    out << "users:\n";
    for (const auto& u : users) out << "  - " << u << "\n";
  }
  if (tls) {
    out << "tls:\n  dir: " << tls_dir << "\n  ca:\n";
    cert_yaml(out, ca, false);
    if (ca_passphrase_env) out << "    passphrase_env: " << *ca_passphrase_env << "\n";
    out << "  server:\n";
    cert_yaml(out, server, true);
    if (!clients.empty()) {
      out << "  clients:\n";
      for (const auto& c : clients) {
        out << "    - name: " << c.name << "\n      key_type: " << c.key_type << "\n";
      }
    }
  }
  return out.str();
}

// --- Tree ---------------------------------------------------------------------------

Tree::Tree() : m_spec_path(m_work / "broker.yaml") {}

void Tree::write_spec(const std::string& yaml) { write_file(m_spec_path, yaml); }

ProcessResult Tree::run(std::vector<std::string> args,
                        const std::map<std::string, std::string>& extra_env) const {
  std::map<std::string, std::string> merged = env;
  for (const auto& [k, v] : extra_env) {
    if (!k.empty() && k.front() == '-') merged.erase(k.substr(1));  // "-NAME": unset NAME
    merged[k] = v;
  }
  args.push_back("--root");
  args.push_back(root());
  args.push_back(m_spec_path);
  return run_tool(args, merged);
}

void Tree::apply_ok(std::vector<std::string> args) const {
  auto r = run(std::move(args));
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

// --- openssl -------------------------------------------------------------------------

ProcessResult openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

namespace {

std::string checked(const ProcessResult& r, const std::string& what) {
  if (r.exit_code != 0) throw std::runtime_error(what + " failed: " + describe(r));
  return r.out;
}

std::int64_t parse_openssl_date(const std::string& out, const std::string& label) {
  auto pos = out.find(label + "=");
  if (pos == std::string::npos) throw std::runtime_error("no " + label + " in: " + out);
  std::string text = out.substr(pos + label.size() + 1);
  text = text.substr(0, text.find('\n'));
  std::tm tm{};
  if (::strptime(text.c_str(), "%b %d %H:%M:%S %Y GMT", &tm) == nullptr) {
    throw std::runtime_error("cannot parse date: " + text);
  }
  return static_cast<std::int64_t>(::timegm(&tm));
}

}  // namespace

ProcessResult openssl_verify(const std::string& ca, const std::string& cert,
                             std::optional<std::int64_t> at_time) {
  std::vector<std::string> args{"verify"};
  if (at_time) {
    args.push_back("-attime");
    args.push_back(std::to_string(*at_time));
  }
  args.insert(args.end(), {"-CAfile", ca, cert});
  return openssl(args);
}

std::string x509_text(const std::string& cert) {
  return checked(openssl({"x509", "-in", cert, "-noout", "-text"}), "openssl x509 -text " + cert);
}

std::string cert_public_key(const std::string& cert) {
  return checked(openssl({"x509", "-in", cert, "-noout", "-pubkey"}), "openssl x509 -pubkey " + cert);
}

std::string key_public_key(const std::string& key, const std::string& passphrase) {
  std::vector<std::string> args{"pkey", "-in", key, "-pubout"};
  args.push_back("-passin");
  args.push_back("pass:" + passphrase);
  return checked(openssl(args), "openssl pkey -pubout " + key);
}

std::int64_t cert_not_after(const std::string& cert) {
  return parse_openssl_date(
      checked(openssl({"x509", "-in", cert, "-noout", "-enddate"}), "openssl x509 -enddate"),
      "notAfter");
}

std::int64_t cert_not_before(const std::string& cert) {
  return parse_openssl_date(
      checked(openssl({"x509", "-in", cert, "-noout", "-startdate"}), "openssl x509 -startdate"),
      "notBefore");
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string iso_time(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// --- password files ----------------------------------------------------------------------

std::string hash_of(const std::string& content, const std::string& user) {
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon != std::string::npos && line.substr(0, colon) == user) return line.substr(colon + 1);
  }
  return "";
}

std::vector<std::string> users_in(const std::string& content) {
  std::vector<std::string> users;
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon != std::string::npos) users.push_back(line.substr(0, colon));
  }
  return users;
}

namespace {

std::string base64_decode(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return "";
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return "";
  size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

}  // namespace

bool verifies(const std::string& hash, const std::string& password) {
  // $7$<iterations>$<salt b64>$<hash b64>
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  while (true) {
    auto pos = hash.find('$', start);
    parts.push_back(hash.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  if (parts.size() != 5 || !parts[0].empty() || parts[1] != "7") return false;
  int iterations = std::stoi(parts[2]);
  std::string salt = base64_decode(parts[3]);
  std::string expected = base64_decode(parts[4]);
  if (salt.empty() || expected.size() != 64) return false;
  unsigned char out[64];
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha512(), sizeof out,
                        out) != 1) {
    return false;
  }
  return std::string(reinterpret_cast<char*>(out), sizeof out) == expected;
}

}  // namespace mosq::test
