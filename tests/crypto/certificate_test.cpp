#include "crypto/certificate.h"

#include <openssl/x509.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/openssl_cli.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/text.h"
#include "util/error.h"

using namespace mosq::crypto;
using mosq::test::contains;
using mosq::test::describe;
using mosq::test::ProcessResult;
using mosq::test::read_file;
using mosq::test::all_key_types;
using mosq::test::openssl_combined;
using mosq::test::TempDir;

namespace {

// Keys are cached per (type, slot): RSA 4096 generation is slow.
const PrivateKey& key_for(KeyType type, int slot) {
  static std::map<std::pair<KeyType, int>, PrivateKey> keys;
  const auto id = std::make_pair(type, slot);
  auto it = keys.find(id);
  if (it == keys.end()) {
    it = keys.emplace(id, PrivateKey::generate(type)).first;
  }
  return it->second;
}

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

const DistinguishedName k_ca_subject{
    {"C", "JP"}, {"O", "FicusOnline"}, {"CN", "FicusOnline MQTT CA"}};

CertificateRequest ca_request(std::int64_t at = now()) {
  CertificateRequest request;
  request.profile = CertificateProfile::ca;
  request.subject = k_ca_subject;
  request.validity_days = 3650;
  request.now = at;
  return request;
}

CertificateRequest leaf_request(CertificateProfile profile, std::int64_t at = now()) {
  CertificateRequest request;
  request.profile = profile;
  // Deliberately not in issuing order.
  request.subject = {{"CN", "mqtt.example.com"}, {"O", "FicusOnline"}, {"C", "JP"}};
  request.subject_alt_names = {"DNS:mqtt.example.com", "DNS:*.mqtt.example.com", "IP:192.0.2.10",
                               "IP:2001:db8::1"};
  request.validity_days = 825;
  request.now = at;
  return request;
}

struct Pki {
  Certificate ca;
  Certificate server;
  Certificate client;
};

Pki make_pki(KeyType type) {
  const PrivateKey& ca_key = key_for(type, 0);
  const PrivateKey& leaf_key = key_for(type, 1);
  Certificate ca = issue_certificate(ca_request(), ca_key, nullptr, ca_key);
  Certificate server =
      issue_certificate(leaf_request(CertificateProfile::server), leaf_key, &ca, ca_key);
  Certificate client =
      issue_certificate(leaf_request(CertificateProfile::client), leaf_key, &ca, ca_key);
  return Pki{std::move(ca), std::move(server), std::move(client)};
}

// The value after "name=" in `openssl x509 -noout -in cert_file options...` output.
std::string openssl_field(const std::string& cert_file, const std::vector<std::string>& options) {
  std::vector<std::string> args{"x509", "-noout", "-in", cert_file};
  args.insert(args.end(), options.begin(), options.end());
  const ProcessResult result = openssl_combined(args);
  REQUIRE(result.exit_code == 0);
  const std::size_t equals = result.out.find('=');
  REQUIRE(equals != std::string::npos);
  std::string value = result.out.substr(equals + 1);
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) {
    value.pop_back();
  }
  return value;
}

std::string text_of(const std::string& cert_file) {
  const ProcessResult result =
      openssl_combined({"x509", "-text", "-noout", "-nameopt", "utf8", "-in", cert_file});
  REQUIRE(result.exit_code == 0);
  return result.out;
}

}  // namespace

TEST_CASE("openssl verify accepts issued server and client certificates for every key type",
          "[crypto][certificate][openssl]") {
  TempDir dir;
  for (KeyType type : all_key_types()) {
    const std::string name(key_type_name(type));
    INFO(name);
    const Pki pki = make_pki(type);
    const std::string ca = dir.write(name + "-ca.pem", pki.ca.to_pem());
    const std::string server = dir.write(name + "-server.pem", pki.server.to_pem());
    const std::string client = dir.write(name + "-client.pem", pki.client.to_pem());
    const auto verify = [&](const std::string& purpose, const std::string& cert) {
      return openssl_combined({"verify", "-x509_strict", "-CAfile", ca, "-purpose", purpose, cert});
    };

    const ProcessResult server_ok = verify("sslserver", server);
    CHECK(server_ok.exit_code == 0);
    CHECK(server_ok.out == server + ": OK\n");
    const ProcessResult client_ok = verify("sslclient", client);
    CHECK(client_ok.exit_code == 0);
    CHECK(client_ok.out == client + ": OK\n");
    // Each profile is for its own purpose only.
    CHECK(verify("sslclient", server).exit_code != 0);
    CHECK(verify("sslserver", client).exit_code != 0);

    CHECK(pki.server.signed_by(pki.ca));
    CHECK(pki.client.signed_by(pki.ca));
    CHECK(pki.ca.signed_by(pki.ca));
    CHECK(pki.ca.facts().key_description == key_for(type, 0).describe());
  }
}

namespace {
// What an i2d_ function made (length bytes at der), as a string; frees it.
std::string take_der(unsigned char* der, int length) {
  REQUIRE(length > 0);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

// DER of the certificate's SubjectPublicKeyInfo, and of the key's own
// (i2d_PUBKEY: OpenSSL's provider encoder).
std::string certificate_spki(const Certificate& cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &der);
  return take_der(der, length);
}

std::string key_spki(const PrivateKey& key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key.get(), &der);
  return take_der(der, length);
}
}  // namespace

// issue_certificate sets an RSA or EC key through a legacy copy (faster on
// OpenSSL 3.0): the certificate must still carry the key's own bytes.
TEST_CASE("an issued certificate's public key is the subject key's SubjectPublicKeyInfo byte for byte",
          "[crypto][certificate]") {
  for (const KeyType type : all_key_types()) {
    INFO(key_type_name(type));
    const Pki pki = make_pki(type);
    CHECK(certificate_spki(pki.ca) == key_spki(key_for(type, 0)));
    CHECK(certificate_spki(pki.server) == key_spki(key_for(type, 1)));
    CHECK(pki.server.matches_key(key_for(type, 1)));
    CHECK(pki.server.signed_by(pki.ca));
  }
  // Keys from elsewhere (a server key adopted from a hand-made setup): its
  // point stored compressed, or its curve spelled out (explicit
  // parameters). The certificate keeps the form the key's own encoding has.
  TempDir dir;
  for (const auto& [form, key_file] : mosq::test::write_adopted_ec_keys(dir.path())) {
    INFO(form);
    const std::size_t spki_size = form == "compressed" ? 59 : 335;
    KeyLoadResult loaded = load_private_key(mosq::Secret(read_file(key_file)), nullptr);
    INFO(loaded.detail);
    REQUIRE(loaded.status == KeyLoadStatus::ok);
    const PrivateKey& ca_key = key_for(KeyType::ec_p256, 0);
    const Certificate ca = issue_certificate(ca_request(), ca_key, nullptr, ca_key);
    const Certificate server =
        issue_certificate(leaf_request(CertificateProfile::server), *loaded.key, &ca, ca_key);
    CHECK(certificate_spki(server) == key_spki(*loaded.key));
    CHECK(certificate_spki(server).size() == spki_size);  // 91 as made here
    CHECK(server.matches_key(*loaded.key));
  }
}

TEST_CASE("openssl x509 -text shows each profile's extensions", "[crypto][certificate][openssl]") {
  TempDir dir;
  const Pki rsa = make_pki(KeyType::rsa2048);
  const Pki ec = make_pki(KeyType::ec_p256);
  const Pki ed = make_pki(KeyType::ed25519);
  const std::string ca_file = dir.write("ca.pem", rsa.ca.to_pem());
  const std::string server_file = dir.write("server.pem", rsa.server.to_pem());

  const std::string ca = text_of(ca_file);
  CHECK(contains(ca, "Version: 3 (0x2)"));
  CHECK(contains(ca, "Signature Algorithm: sha256WithRSAEncryption"));
  CHECK(contains(ca, "X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0"));
  CHECK(contains(ca, "X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"));
  CHECK(contains(ca, "X509v3 Subject Key Identifier"));
  CHECK_FALSE(contains(ca, "Subject Alternative Name"));
  CHECK(contains(ca, "Subject: C=JP, O=FicusOnline, CN=FicusOnline MQTT CA"));

  const std::string server = text_of(server_file);
  CHECK(contains(server, "Version: 3 (0x2)"));
  CHECK(contains(server, "X509v3 Basic Constraints: \n                CA:FALSE"));
  CHECK(contains(
      server, "X509v3 Key Usage: critical\n                Digital Signature, Key Encipherment"));
  CHECK(contains(server,
                 "X509v3 Extended Key Usage: \n                TLS Web Server Authentication\n"));
  CHECK(
      contains(server,
               "X509v3 Subject Alternative Name: \n                DNS:mqtt.example.com, "
               "DNS:*.mqtt.example.com, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:1\n"));
  CHECK(contains(server, "X509v3 Subject Key Identifier"));
  CHECK(contains(server, "X509v3 Authority Key Identifier"));
  CHECK(contains(server, "Subject: C=JP, O=FicusOnline, CN=mqtt.example.com"));
  // The authority key id is the CA's subject key id.
  const ProcessResult ca_ski =
      openssl_combined({"x509", "-noout", "-ext", "subjectKeyIdentifier", "-in", ca_file});
  const ProcessResult server_aki =
      openssl_combined({"x509", "-noout", "-ext", "authorityKeyIdentifier", "-in", server_file});
  const std::string ski_hex = ca_ski.out.substr(ca_ski.out.find('\n') + 1);
  REQUIRE(ski_hex.size() > 40);
  CHECK(contains(server_aki.out, ski_hex.substr(ski_hex.find_first_not_of(' '))));

  const std::string client = text_of(dir.write("client.pem", rsa.client.to_pem()));
  CHECK(contains(client,
                 "X509v3 Extended Key Usage: \n                TLS Web Client Authentication\n"));

  const std::string ec_server = text_of(dir.write("ec-server.pem", ec.server.to_pem()));
  CHECK(contains(ec_server, "Signature Algorithm: ecdsa-with-SHA256"));
  CHECK(contains(ec_server, "X509v3 Key Usage: critical\n                Digital Signature\n"));

  const std::string ed_server = text_of(dir.write("ed-server.pem", ed.server.to_pem()));
  CHECK(contains(ed_server, "Signature Algorithm: ED25519"));
  CHECK(contains(ed_server, "X509v3 Key Usage: critical\n                Digital Signature\n"));
}

TEST_CASE("facts of an issued certificate", "[crypto][certificate][openssl]") {
  TempDir dir;
  const std::int64_t at = 1700000000;  // 2023-11-14 22:13:20 UTC
  const PrivateKey& ca_key = key_for(KeyType::ec_p256, 0);
  const PrivateKey& server_key = key_for(KeyType::rsa2048, 1);
  const Certificate ca = issue_certificate(ca_request(at), ca_key, nullptr, ca_key);
  CertificateRequest request = leaf_request(CertificateProfile::server, at);
  request.validity_days = 365;
  // Non-canonical spellings come out canonical.
  request.subject_alt_names = {"dns:MQTT.Example.COM", "IP:2001:0db8:0:0::0001", "IP:192.0.2.10"};
  const Certificate server = issue_certificate(request, server_key, &ca, ca_key);
  const std::string server_file = dir.write("server.pem", server.to_pem());

  const CertificateFacts facts = server.facts();
  CHECK(facts.version == 3);
  CHECK(facts.subject == canonical_order(request.subject));
  CHECK(facts.issuer == k_ca_subject);
  CHECK(facts.subject_alt_names ==
        std::vector<std::string>{"DNS:mqtt.example.com", "IP:2001:db8::1", "IP:192.0.2.10"});
  CHECK(facts.not_before == at - 3600);
  CHECK(facts.not_after == at + 365 * 86400);
  CHECK(openssl_field(server_file, {"-startdate"}) == "Nov 14 21:13:20 2023 GMT");
  CHECK(openssl_field(server_file, {"-enddate"}) == "Nov 13 22:13:20 2024 GMT");
  CHECK_FALSE(facts.is_ca);
  CHECK_FALSE(facts.has_key_cert_sign);
  CHECK(facts.server_auth);
  CHECK_FALSE(facts.client_auth);
  CHECK(facts.public_key_fingerprint == server_key.public_key_fingerprint());
  CHECK(facts.key_description == "RSA 2048");
  CHECK(facts.sha256_fingerprint == openssl_field(server_file, {"-fingerprint", "-sha256"}));
  CHECK(facts.serial_hex == openssl_field(server_file, {"-serial"}));

  // A positive serial of at most 128 bits, fresh for each certificate.
  CHECK(facts.serial_hex.size() <= 32);
  CHECK(facts.serial_hex.find_first_not_of("0123456789ABCDEF") == std::string::npos);
  CHECK((facts.serial_hex.size() < 32 || facts.serial_hex[0] < '8'));
  CHECK(issue_certificate(request, server_key, &ca, ca_key).facts().serial_hex != facts.serial_hex);

  const CertificateFacts ca_facts = ca.facts();
  CHECK(ca_facts.version == 3);
  CHECK(ca_facts.subject == k_ca_subject);
  CHECK(ca_facts.issuer == k_ca_subject);
  CHECK(ca_facts.subject_alt_names.empty());
  CHECK(ca_facts.is_ca);
  CHECK(ca_facts.has_key_cert_sign);
  CHECK(ca_facts.server_auth);  // no extendedKeyUsage at all
  CHECK(ca_facts.client_auth);
  CHECK(ca_facts.key_description == "EC P-256");

  const CertificateFacts client_facts =
      issue_certificate(leaf_request(CertificateProfile::client, at), server_key, &ca, ca_key)
          .facts();
  CHECK(client_facts.client_auth);
  CHECK_FALSE(client_facts.server_auth);
}

TEST_CASE("dates past 2050 are GeneralizedTime and still read back", "[crypto][certificate]") {
  const std::int64_t at = 1700000000;
  const PrivateKey& key = key_for(KeyType::ed25519, 0);
  CertificateRequest request = ca_request(at);
  request.validity_days = 36500;
  const CertificateFacts facts = issue_certificate(request, key, nullptr, key).facts();
  CHECK(facts.not_before == at - 3600);
  CHECK(facts.not_after == std::int64_t{4853600000});  // Oct 21 22:13:20 2123 GMT
}

TEST_CASE("signed_by needs the issuer's name and its key", "[crypto][certificate][openssl]") {
  TempDir dir;
  const Pki pki = make_pki(KeyType::ec_p256);
  // Same subject name as the real CA, different key.
  const PrivateKey& impostor_key = key_for(KeyType::ec_p256, 2);
  const Certificate impostor = issue_certificate(ca_request(), impostor_key, nullptr, impostor_key);
  REQUIRE(same_name(impostor.facts().subject, pki.ca.facts().subject));
  const Certificate forged =
      issue_certificate(leaf_request(CertificateProfile::server), key_for(KeyType::ec_p256, 1),
                        &impostor, impostor_key);

  CHECK(pki.server.signed_by(pki.ca));
  CHECK_FALSE(pki.server.signed_by(impostor));
  CHECK_FALSE(forged.signed_by(pki.ca));
  CHECK(forged.signed_by(impostor));
  CHECK_FALSE(pki.server.signed_by(pki.server));  // issuer name differs
  CHECK_FALSE(pki.ca.signed_by(impostor));
  // The right key under another name is not the issuer either.
  CertificateRequest renamed_request = ca_request();
  renamed_request.subject = {{"CN", "Some Other CA"}};
  const PrivateKey& ca_key = key_for(KeyType::ec_p256, 0);
  const Certificate renamed = issue_certificate(renamed_request, ca_key, nullptr, ca_key);
  CHECK(X509_verify(pki.server.get(), X509_get0_pubkey(renamed.get())) == 1);
  CHECK_FALSE(pki.server.signed_by(renamed));

  CHECK(openssl_combined({"verify", "-CAfile", dir.write("ca.pem", pki.ca.to_pem()),
                 dir.write("forged.pem", forged.to_pem())})
            .exit_code != 0);
}

TEST_CASE("matches_key compares the public key", "[crypto][certificate]") {
  const Pki pki = make_pki(KeyType::ec_p384);
  CHECK(pki.ca.matches_key(key_for(KeyType::ec_p384, 0)));
  CHECK(pki.server.matches_key(key_for(KeyType::ec_p384, 1)));
  CHECK_FALSE(pki.ca.matches_key(key_for(KeyType::ec_p384, 1)));
  CHECK_FALSE(pki.server.matches_key(key_for(KeyType::ec_p384, 0)));
  CHECK_FALSE(pki.server.matches_key(key_for(KeyType::rsa2048, 1)));
}

TEST_CASE("a UTF-8 subject round-trips", "[crypto][certificate][openssl]") {
  TempDir dir;
  const PrivateKey& key = key_for(KeyType::ec_p256, 0);
  CertificateRequest request = ca_request();
  request.subject = {{"CN", "センサー CA"},
                     {"L", "東京"},
                     {"O", "株式会社フィカス"},
                     {"C", "JP"},
                     {"emailAddress", "ca@example.jp"}};
  const Certificate ca = issue_certificate(request, key, nullptr, key);
  const CertificateFacts facts = ca.facts();
  const DistinguishedName expected{{"C", "JP"},
                                   {"L", "東京"},
                                   {"O", "株式会社フィカス"},
                                   {"CN", "センサー CA"},
                                   {"emailAddress", "ca@example.jp"}};
  CHECK(facts.subject == expected);
  CHECK(same_name(facts.subject, request.subject));

  const ProcessResult subject =
      openssl_combined({"x509", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus", "-in",
               dir.write("ca.pem", ca.to_pem())});
  CHECK(
      contains(subject.out,
               "subject=C=JP,L=東京,O=株式会社フィカス,CN=センサー CA,emailAddress=ca@example.jp"));
  // Also after a round-trip through PEM.
  const auto reparsed = Certificate::parse_pem(ca.to_pem(), nullptr);
  REQUIRE(reparsed.has_value());
  CHECK(reparsed->facts().subject == expected);
}

TEST_CASE("a v1 certificate from openssl x509 -req", "[crypto][certificate][openssl]") {
  TempDir dir;
  const PrivateKey& ca_key = key_for(KeyType::ec_p256, 0);
  const Certificate ca = issue_certificate(ca_request(), ca_key, nullptr, ca_key);
  const std::string key = dir / "legacy.key";
  const std::string csr = dir / "legacy.csr";
  const std::string ca_file = dir.write("ca.pem", ca.to_pem());
  const std::string ca_key_file = dir.write("ca.key", ca_key.to_pem(nullptr).reveal());
  const std::vector<std::vector<std::string>> steps{
      {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key},
      {"req", "-new", "-key", key, "-subj", "/CN=legacy.example", "-out", csr},
      {"x509", "-req", "-in", csr, "-CA", ca_file, "-CAkey", ca_key_file, "-days", "30", "-out",
       dir / "legacy.pem"},
  };
  for (const auto& step : steps) {
    const ProcessResult made = openssl_combined(step);
    INFO(describe(made));
    REQUIRE(made.exit_code == 0);
  }

  std::string why;
  const auto cert = Certificate::parse_pem(read_file(dir / "legacy.pem"), &why);
  REQUIRE(cert.has_value());
  const CertificateFacts facts = cert->facts();
  CHECK(facts.version == 1);
  CHECK(facts.subject_alt_names.empty());
  CHECK(facts.subject == DistinguishedName{{"CN", "legacy.example"}});
  CHECK_FALSE(facts.is_ca);
  CHECK(facts.has_key_cert_sign);  // no keyUsage restricts it
  CHECK(facts.server_auth);
  CHECK(facts.client_auth);
  CHECK(cert->signed_by(ca));
  const KeyLoadResult legacy_key = load_private_key(mosq::Secret(read_file(key)), nullptr);
  REQUIRE(legacy_key.status == KeyLoadStatus::ok);
  CHECK(cert->matches_key(*legacy_key.key));
  CHECK(facts.public_key_fingerprint == legacy_key.key->public_key_fingerprint());
}

TEST_CASE("parse_pem takes the first certificate and explains garbage", "[crypto][certificate]") {
  const Pki pki = make_pki(KeyType::ed25519);
  std::string why;
  CHECK_FALSE(Certificate::parse_pem("", &why).has_value());
  CHECK_FALSE(why.empty());
  why.clear();
  CHECK_FALSE(Certificate::parse_pem("not a certificate\n", &why).has_value());
  CHECK_FALSE(why.empty());
  const std::string pem = pki.server.to_pem();
  why.clear();
  CHECK_FALSE(Certificate::parse_pem(pem.substr(0, pem.size() / 2), &why).has_value());
  CHECK_FALSE(why.empty());
  CHECK_FALSE(
      Certificate::parse_pem(key_for(KeyType::ed25519, 0).to_pem(nullptr).reveal(), nullptr));

  const auto chain = Certificate::parse_pem(pki.server.to_pem() + pki.ca.to_pem(), &why);
  REQUIRE(chain.has_value());
  CHECK(chain->facts().sha256_fingerprint == pki.server.facts().sha256_fingerprint);
  // A key before the certificate (a combined file) is skipped.
  const auto combined =
      Certificate::parse_pem(key_for(KeyType::ed25519, 1).to_pem(nullptr).reveal() + pem, &why);
  REQUIRE(combined.has_value());
  CHECK(combined->to_pem() == pem);
}

// Found by fuzz/pem_fuzz.cpp: a client certificate whose outer
// signatureAlgorithm has a constructed end-of-contents (20 00) as its
// parameters. OpenSSL reads it, keeps the signed part's DER as read, but
// writes those parameters back as 00 00, which it cannot read again. Nothing
// of ours may throw on it, and since to_pem() differs from the file,
// observe reports extra content and the planner replaces the certificate.
TEST_CASE("a certificate OpenSSL reads but writes back differently is not taken as the file",
          "[crypto][certificate][fuzz]") {
  const std::string odd =
      "-----BEGIN CERTIFICATE-----\n"
    "MIICszCCAZugAwIBAgIUC3bfIBIUORHvn+5Jr8Uj5DssgFUwDQYJKoZIhvcNAQEL\n"
    "BQAwcTELMAkGA1UEBhMCSlAxDjAMBgNVBAgMBVRva3lvMRAwDgYDVQQKDAdFeGFt\n"
    "cGxlMQwwCgYDVQQLDANPcHMxEzARBgNVBAMMCkV4YW1wbGUgQ0ExHTAbBgkqhliG\n"
    "9w0BCQEWDmNhQGV4YZOPk5rRnJCSMB4XDTI2MTIwMjAwNDMzNloXDTI5MDMwNjAw\n"
    "NDMzNlowJTERMA8GA1UEAwwIc2Vuc29yLTcxEDAOBgNVBAoMB0V4YW1wbGUwKjAF\n"
    "BgMrZXADIQBS33HJAe3B71feuTx45kDNXWs9RYde06aYNKKlxa40xKOBiDCBhTAJ\n"
    "BgNVHRMEAjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDAjAT\n"
    "BgNVHREEDDD///////8BX3ItNzAdBgNVHQ4EFgQU1d95fAm+rNsSCiAb8RZ04y53\n"
    "lqYwHwYDVR0jBBgwFoAUZK9pimFh6gef6PprT93naWfP4Q0wDQYJKoZIhvcNAUVD\n"
    "IAADggEBAJVCUI83QjDWP6Ovc7qEFXuvMwC0TENZWhswColusyEjKffemylI+oT5\n"
    "re+at6ihzcTF+aZie5urG0t26x9oBHfc1TphhL8SvhDw1eHXrnYB6r4LmGq/d2wS\n"
    "zn2zLxIuVWsdU6EgeRtizvpletrGLz5Tb5f0yiVg7TB4mSVcHiS1GQqwfhd+XqUx\n"
    "Z4d0tXtXZc8b64s6rnbCpCuv4e/+ergi4SU9vCLWgYsThXE16sRtAQcMudT2vCwG\n"
    "2VBjmoco+NDqQUX/wQBh/uRHGVWkIuy6pCrgA3+5o9bJO5dINjIsNGKrdvP9pphj\n"
    "emOxx3n+PQxOUMeFJ2CGtKhbTXeTwYM=\n"
      "-----END CERTIFICATE-----\n";
  std::string why;
  const auto cert = Certificate::parse_pem(odd, &why);
  REQUIRE(cert.has_value());
  CertificateFacts facts;
  REQUIRE_NOTHROW(facts = cert->facts());
  CHECK(format_name(facts.subject) == "O=Example, CN=sensor-7");
  CHECK(facts.key_description == "Ed25519");
  std::string written;
  REQUIRE_NOTHROW(written = cert->to_pem());
  CHECK(written != odd);
  CHECK_FALSE(cert->signed_by(*cert));
}

TEST_CASE("issue_certificate refuses requests it cannot honour", "[crypto][certificate]") {
  const PrivateKey& ca_key = key_for(KeyType::ec_p256, 0);
  const PrivateKey& other_key = key_for(KeyType::ec_p256, 1);
  const Certificate ca = issue_certificate(ca_request(), ca_key, nullptr, ca_key);

  CertificateRequest no_validity = ca_request();
  no_validity.validity_days = 0;
  CHECK_THROWS_AS(issue_certificate(no_validity, ca_key, nullptr, ca_key), mosq::Error);
  // A CA is self-signed by its own key.
  CHECK_THROWS_AS(issue_certificate(ca_request(), ca_key, nullptr, other_key), mosq::Error);
  CertificateRequest ca_with_san = ca_request();
  ca_with_san.subject_alt_names = {"DNS:ca.example"};
  CHECK_THROWS_AS(issue_certificate(ca_with_san, ca_key, nullptr, ca_key), mosq::Error);

  const CertificateRequest server = leaf_request(CertificateProfile::server);
  CHECK_THROWS_AS(issue_certificate(server, other_key, nullptr, ca_key), mosq::Error);
  CHECK_THROWS_AS(issue_certificate(server, other_key, &ca, other_key), mosq::Error);
  CertificateRequest bad_san = server;
  bad_san.subject_alt_names = {"IP:1.2.3"};
  CHECK_THROWS_WITH(issue_certificate(bad_san, other_key, &ca, ca_key),
                    Catch::Contains("IP:1.2.3"));
  CertificateRequest empty_subject = server;
  empty_subject.subject.clear();
  CHECK_THROWS_AS(issue_certificate(empty_subject, other_key, &ca, ca_key), mosq::Error);
  CertificateRequest long_country = server;
  long_country.subject = {{"C", "Japan"}, {"CN", "x"}};
  CHECK_THROWS_WITH(issue_certificate(long_country, other_key, &ca, ca_key),
                    Catch::Contains("C=Japan"));
  CertificateRequest unknown_type = server;
  unknown_type.subject = {{"NotAnAttribute", "x"}};
  CHECK_THROWS_AS(issue_certificate(unknown_type, other_key, &ca, ca_key), mosq::Error);
  // The error queue is left clean for the next caller.
  CHECK(ERR_peek_error() == 0);
}
