// The real Mosquitto broker for tests/broker_live: a RAII Broker started on
// 127.0.0.1 from a tiny main config (pid_file, include_dir, log to a file), a
// Site (a temp tree whose paths the spec names, with the tool's state kept
// in it), and the mosquitto_pub/mosquitto_sub and openssl clients.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace mosq::test::live {

constexpr const char* k_mosquitto = "/usr/sbin/mosquitto";

// A TCP port on 127.0.0.1 that is free now (checked by binding it), taken
// outside the kernel's ephemeral port range so that no client connection
// can take it before the broker binds it, and reserved against the other
// test processes (an abstract unix socket per port, held until exit).
// Never the same port twice in one process.
int free_port();

// Whether 127.0.0.1:port accepts a TCP connection now (connects, then
// closes: a TLS listener logs the aborted handshake).
bool port_accepts(int port);
// Whether a socket listens on 127.0.0.1:port (or on any address), from
// /proc/net/tcp: no connection, so nothing in the broker's log.
bool port_listening(int port);

struct BrokerStartError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Mosquitto, not daemonised, as a child of the test (posix_spawn):
//   <dir>/main.conf      pid_file, include_dir <include_dir>, log_dest file, log_type all
//   <dir>/mosquitto.pid  <dir>/mosquitto.log  <dir>/stderr.log
// <dir> is made the mosquitto user's when the test runs as root (the broker
// drops to that user before writing its pid file and log). The constructor
// returns once the broker is running: the pid file names it, its log has a
// new "mosquitto version X running" line (logged after every listener and
// its TLS settings were set up; 2.0.11 listens on a port before it rejects
// a bad tls_version, so a listening port alone proves nothing) and every
// port listens (seen in /proc/net/tcp: a probing connection would put an
// aborted TLS handshake in the log). It throws BrokerStartError, with the
// log, as soon as the broker exits, or when it is not running within 30 s:
// a test that expects a failed start therefore waits for the exit.
// The destructor stops it by PID: SIGTERM, then SIGKILL, and waits.
class Broker {
 public:
  Broker(std::string dir, std::string include_dir, std::vector<int> ports);
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;
  ~Broker();

  pid_t pid() const { return m_pid; }
  bool running() const;
  const std::string& pid_file() const { return m_pid_file; }
  const std::string& main_config() const { return m_main_config; }
  // The broker's log file, then whatever it wrote to stderr.
  std::string log() const;

  // Stop, then start again from the same main config; new_ports (when
  // given) are the ports to wait for from now on.
  void restart(std::optional<std::vector<int>> new_ports = std::nullopt);

  // A shell script for broker.reload.restart_command: stops this broker by
  // its pid file, starts `mosquitto -d -c main.conf` and appends the old pid
  // to <dir>/restarted. After a run of it, call adopt_restart().
  std::string write_restart_script();
  // After something else restarted the broker (the script above): reap the
  // old process, take the new one's pid from the pid file and wait for
  // new_ports. The daemonised broker is our child too (this process is a
  // child subreaper), so the destructor still stops and reaps it.
  void adopt_restart(std::vector<int> new_ports);

 private:
  void start();
  void stop();
  void wait_ready();
  int running_lines() const;

  std::string m_dir;
  std::string m_include_dir;
  std::vector<int> m_ports;
  std::string m_main_config;
  std::string m_pid_file;
  std::string m_log_file;
  std::string m_stderr_file;
  pid_t m_pid = -1;
  int m_running_lines = 0;  // "running" lines in the log when last ready
};

// A temp tree for one test. The spec names absolute paths inside it
// (path("etc/mosquitto/mqttpass") -> /tmp/mosq-test-XXXX/etc/mosquitto/mqttpass),
// and the tool runs without --root, so the generated config points the broker
// at the very files the tool wrote. It runs with --state-dir <tree>/state:
// its state (state.json) and its apply lock stay private to the test instead
// of the host's /var/lib/mosq-reconcile and "/" (ctest runs tests in
// parallel, and one test's apply would clear another's pending restart).
class Site {
 public:
  Site() = default;

  const std::string& dir() const { return m_dir.path(); }
  std::string path(const std::string& relative) const { return m_dir / relative; }
  std::string state_dir() const { return path("state"); }
  std::string spec_file() const { return path("broker.yaml"); }
  std::string state_file() const { return state_dir() + "/state.json"; }

  // Writes broker.yaml; "@/" in text stands for this tree's directory + "/".
  void write_spec(const std::string& text) const;
  std::string expand(const std::string& text) const;

  // mosq-reconcile --state-dir <state dir> [args...] broker.yaml, with env on top.
  ProcessResult tool(const std::vector<std::string>& args = {},
                     const std::map<std::string, std::string>& env = {}) const;

  // A broker started from this tree: dir "broker", include_dir the spec's
  // etc/mosquitto/conf.d.
  std::string broker_dir() const { return path("broker"); }
  std::string conf_d() const { return path("etc/mosquitto/conf.d"); }

 private:
  TempDir m_dir;
};

// Spec fragments ("@/" stands for the Site's directory, see Site::expand):
// `version: 1` and a broker: section (config in @/etc/mosquitto/conf.d, the
// password file @/etc/mosquitto/mqttpass, allow_anonymous false, owner and
// group left to the tool's default, reload.pid_file the Site's broker's pid
// file), with extra_reload lines (e.g. "    restart_command: ...\n") added.
std::string spec_head(const std::string& extra_reload = "");
// A tls: section with ec-p256 keys: CA "CN=mosq-reconcile test CA, O=Test",
// server "CN=broker.test, O=Test" with SANs DNS:localhost and IP:127.0.0.1 (so
// -h localhost matches through the SAN only), files in @/etc/mosquitto/certs,
// then clients_yaml (a "  clients:" block) when given.
std::string ec_tls_section(const std::string& clients_yaml = "");
// A plain (tls: false) listener on 127.0.0.1 / a TLS one, as list items.
std::string plain_listener(int port);
std::string tls_listener(int port, const std::string& tls_version = "tlsv1.2",
                         const std::string& extra = "");

// Options of one mosquitto_pub / mosquitto_sub run.
struct Client {
  int port = 0;
  std::string host = "localhost";  // TLS host name check against the SAN
  std::optional<std::string> cafile;  // TLS when set
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> tls_version;  // --tls-version
  std::optional<std::string> cert;        // --cert / --key
  std::optional<std::string> key;
  std::string client_id;                  // -i, when not empty
  std::map<std::string, std::string> env;  // e.g. OPENSSL_CONF
};

// mosquitto_pub -r (retained, so a later subscriber gets it without racing
// the publish) -q 1 -t topic -m message.
ProcessResult mqtt_publish(const Client& client, const std::string& topic,
                           const std::string& message);
// mosquitto_sub -C 1 -W 5 -t topic: the first message (the retained one).
ProcessResult mqtt_receive(const Client& client, const std::string& topic);
// Publishes a retained message and reads it back with a subscriber, both as
// `client`; true when the subscriber printed it. why gets the clients' output.
bool mqtt_exchange(const Client& client, const std::string& topic, std::string* why = nullptr);

// Polls `attempt` every 100 ms until it returns true or timeout_ms passes
// (generous: under ctest -j8 on two cores one client run can take seconds).
template <typename F>
bool eventually(F attempt, int timeout_ms = 20000);

// The serial (hex, as `openssl x509 -serial` prints it, without "serial=")
// of the certificate the server on 127.0.0.1:port presents (openssl s_client
// -servername localhost), or of a certificate file.
std::string served_serial(int port);
std::string file_serial(const std::string& cert_file);

// YYYY-MM-DD, days from today (UTC).
std::string date_in_days(int days);

}  // namespace mosq::test::live

#include <chrono>
#include <thread>

namespace mosq::test::live {
template <typename F>
bool eventually(F attempt, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (attempt()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
}  // namespace mosq::test::live
