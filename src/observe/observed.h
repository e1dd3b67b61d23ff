// What is on disk, as plain data. observe() fills it; plan() reads it.
// A corrupt file is a state (a field says so), not an exception.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/acl_file.h"
#include "broker/password_file.h"
#include "crypto/certificate.h"
#include "crypto/private_key.h"
#include "observe/main_config.h"
#include "util/file_system.h"

namespace mosq::observe {

// One file as observed: its metadata and a digest of its content, which
// apply re-checks under the lock before it writes (a stale plan is refused).
struct ObservedFile {
  std::string path;  // as the spec (and the broker) names it
  FileInfo info;
  std::string digest;  // "absent", or sha256 of the content

  bool exists() const { return info.exists(); }
};

// Whose files these are: the broker's user and group resolved on this host.
struct Ownership {
  std::optional<std::string> owner_name;
  std::optional<std::string> group_name;
  std::optional<uid_t> uid;  // resolved, when the user exists
  std::optional<gid_t> gid;
  std::optional<gid_t> broker_primary_gid;  // the broker user's own group
  // The broker user's groups (getgrouplist), for reachability: looked up
  // only when a check turns on a group other than its own (ownership.cpp).
  mutable std::optional<std::vector<gid_t>> broker_groups;
  bool can_chown = false;            // running as root
  std::vector<std::string> warnings;
};

// For each spec user with a password: does the line on disk verify it?
enum class PasswordVerdict { matches, differs, unparsed };

struct ObservedPasswordFile {
  ObservedFile file;
  broker::PasswordFileContent content;
  std::unordered_map<std::string, PasswordVerdict> verdicts;  // by user name, for users in the file
};

// The ACL file, when the spec names one (broker.acl_file).
struct ObservedAclFile {
  ObservedFile file;
  std::string content;
  broker::AclFileContent parsed;  // as Mosquitto 2.0.11 reads it
};

struct ObservedConfig {
  ObservedFile file;
  std::string content;
};

struct ObservedKey {
  ObservedFile file;
  crypto::KeyLoadStatus status = crypto::KeyLoadStatus::corrupt;
  bool encrypted = false;
  std::optional<crypto::KeyType> type;
  std::string description;  // "EC P-256"
  std::string detail;       // why it did not load
  // Only for a CA key vouched for by the state file's record, not opened
  // this run (observe/pki.cpp): the public key's SHA-256 as recorded.
  std::string recorded_public_key_sha256;
};

struct ObservedCertificate {
  ObservedFile file;
  bool parsed = false;
  std::string parse_error;
  crypto::CertificateFacts facts;
  bool matches_key = false;  // matches the key observed on disk beside it
  bool signed_by_ca = false; // verifies under the CA certificate on disk (server, clients);
                             // for the CA itself: self-signed (verifies under its own key)
  // The file holds more than the certificate as the tool writes it (a
  // second certificate appended: an extra trust anchor, or other text).
  bool extra_content = false;
  // Certificates in the file: a CA bundle (rollover overlap) holds several;
  // the facts are the first one's.
  std::size_t certificates_in_file = 0;
};

struct ObservedPki {
  ObservedKey ca_key;  // the file of a managed CA's key; empty for a given CA (managed: false)
  // A CA key that signs is at hand (from its file or the environment). A
  // given CA's may not be: then nothing can be issued, only planned.
  bool ca_key_available = false;
  // Why it is not, for messages: "environment variable X is not set" (a
  // given CA's key variable, or a managed key's passphrase variable), or
  // "<path> does not exist".
  std::string ca_key_missing;
  ObservedCertificate ca_cert;
  ObservedKey server_key;
  ObservedCertificate server_cert;
  std::map<std::string, ObservedKey> client_keys;  // by client name
  std::map<std::string, ObservedCertificate> client_certs;
};

// A directory above a broker-read file that the broker's user cannot enter.
struct Unreachable {
  std::string file;
  std::string directory;
};

// A restart asked for by an earlier apply that has not happened yet.
struct PendingRestart {
  std::int64_t since = 0;  // unix seconds, for people
  // The same moment on the clock /proc start times use (seconds since
  // boot, 10 ms resolution) and which boot it was: whole unix seconds
  // cannot tell a restart half a second after the apply from one before.
  double since_boot = 0;
  std::string boot_id;
  std::vector<std::string> reasons;
};

// What the pid file says about the broker.
enum class BrokerState {
  unknown,         // no pid_file in the spec: the tool cannot tell
  no_pid_file,     // the file is missing: no broker runs
  unusable,        // the file is not a pid file (garbage, a FIFO, too big)
  not_running,     // it names no live process (stale)
  not_the_broker,  // it names a live process that is not Mosquitto, or
                   // one that started after the file was written
  running,
};

struct BrokerProcess {
  BrokerState state = BrokerState::unknown;
  std::optional<pid_t> pid;                    // what the file names, when it parses
  std::optional<double> started_boot_seconds;  // when running: process start, seconds since boot
  std::string detail;  // for people: "pid 4242 is 'sleep', not mosquitto"
};

// The running broker, as far as the pid file tells.
struct ObservedBroker {
  bool pid_file_configured = false;
  BrokerProcess process;
  // Recorded by an earlier apply and not yet done (the broker has not
  // restarted since). Cleared once the broker restarted or stopped.
  std::optional<PendingRestart> pending_restart;

  bool running() const { return process.state == BrokerState::running; }
};

struct Observed {
  Ownership ownership;
  ObservedPasswordFile password_file;
  ObservedConfig config;
  ObservedMainConfig main_config;  // the broker's hand-made config, read only
  std::optional<ObservedAclFile> acl_file;  // when the spec has broker.acl_file
  std::optional<ObservedPki> pki;  // when the spec has tls:
  std::vector<Unreachable> unreachable;
  ObservedBroker broker;
  // Left by an interrupted run beside the files the tool writes.
  std::vector<StaleTempFile> stale_temp_files;
};

}  // namespace mosq::observe
