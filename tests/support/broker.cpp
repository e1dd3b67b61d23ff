#include "support/broker.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

extern char** environ;

namespace mosq::test::live {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text() { return std::strerror(errno); }

// The broker drops to this user when started as root: what it writes (pid
// file, log) must be in a directory that user may write.
void give_to_broker_user(const std::string& path) {
  if (::geteuid() != 0) return;
  const passwd* pw = ::getpwnam("mosquitto");
  if (pw == nullptr) return;
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    throw std::runtime_error("chown " + path + ": " + errno_text());
  }
}

std::optional<pid_t> read_pid(const std::string& pid_file) {
  if (!file_exists(pid_file)) return std::nullopt;
  try {
    long value = std::stol(read_file(pid_file));
    if (value > 1) return static_cast<pid_t>(value);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// A zombie (exited, not yet reaped) counts as gone.
bool process_alive(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  std::string stat;
  try {
    stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  } catch (const std::exception&) {
    return false;
  }
  auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] != 'Z';
}

// Waits up to timeout for pid to end; reaps it when it is our child.
bool wait_gone(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno == ECHILD && !process_alive(pid)) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<std::string> client_args(const char* program, const Client& c) {
  std::vector<std::string> argv{program, "-h", c.host, "-p", std::to_string(c.port)};
  if (c.cafile) argv.insert(argv.end(), {"--cafile", *c.cafile});
  if (c.tls_version) argv.insert(argv.end(), {"--tls-version", *c.tls_version});
  if (c.cert) argv.insert(argv.end(), {"--cert", *c.cert});
  if (c.key) argv.insert(argv.end(), {"--key", *c.key});
  if (c.user) argv.insert(argv.end(), {"-u", *c.user});
  if (c.password) argv.insert(argv.end(), {"-P", *c.password});
  if (!c.client_id.empty()) argv.insert(argv.end(), {"-i", c.client_id});
  return argv;
}

}  // namespace

// ---- ports ----------------------------------------------------------------

// Ports come from outside the kernel's ephemeral range: a port that
// bind(port 0) hands out is free at that moment only, and until the broker
// binds it, any client connection (mosquitto_pub in a test running in
// parallel) may take it as its source port. A port is reserved across test
// processes by an abstract unix socket named after it, held until exit.
int free_port() {
  static std::mutex mutex;
  static std::set<int> given;
  std::lock_guard<std::mutex> hold(mutex);
  int low = 32768, high = 60999;
  try {
    std::istringstream range(read_file("/proc/sys/net/ipv4/ip_local_port_range"));
    range >> low >> high;
  } catch (const std::exception&) {
  }
  // The larger of the gaps below and above the ephemeral range.
  int first = 10000, last = low - 1;
  if (65535 - high > last - first) {
    first = high + 1;
    last = 65535;
  }
  if (last - first < 100) throw std::runtime_error("no port range outside the ephemeral one");
  static std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  std::uniform_int_distribution<int> pick(first, last);
  for (int attempt = 0; attempt < 500; ++attempt) {
    const int port = pick(rng);
    if (given.count(port) != 0) continue;
    int reservation = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (reservation < 0) throw std::runtime_error("socket: " + errno_text());
    sockaddr_un name{};
    name.sun_family = AF_UNIX;
    const std::string label = "mosq-reconcile-test-port-" + std::to_string(port);
    std::memcpy(name.sun_path + 1, label.data(), label.size());  // sun_path[0] = 0: abstract
    const auto name_size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + label.size());
    if (::bind(reservation, reinterpret_cast<sockaddr*>(&name), name_size) != 0) {
      ::close(reservation);  // another test process has it
      continue;
    }
    int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool free = probe >= 0 && ::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (probe >= 0) ::close(probe);
    if (!free) {
      ::close(reservation);
      continue;
    }
    given.insert(port);  // the reservation stays open until this process ends
    return port;
  }
  throw std::runtime_error("cannot find a free port in " + std::to_string(first) + "-" +
                           std::to_string(last));
}

bool port_accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

bool port_listening(int port) {
  std::istringstream table(read_file("/proc/net/tcp"));
  std::string line;
  std::getline(table, line);  // header
  char wanted_port[8];
  std::snprintf(wanted_port, sizeof wanted_port, "%04X", static_cast<unsigned>(port));
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    auto colon = local.find(':');
    if (colon == std::string::npos || state != "0A") continue;  // 0A: LISTEN
    std::string address = local.substr(0, colon);
    if (local.substr(colon + 1) == wanted_port &&
        (address == "0100007F" || address == "00000000")) {
      return true;
    }
  }
  return false;
}

// ---- Broker ---------------------------------------------------------------

Broker::Broker(std::string dir, std::string include_dir, std::vector<int> ports)
    : m_dir(std::move(dir)),
      m_include_dir(std::move(include_dir)),
      m_ports(std::move(ports)),
      m_main_config(m_dir + "/main.conf"),
      m_pid_file(m_dir + "/mosquitto.pid"),
      m_log_file(m_dir + "/mosquitto.log"),
      m_stderr_file(m_dir + "/stderr.log") {
  // A broker restarted by restart_command daemonises; as a subreaper this
  // process inherits it, so it can still be stopped and reaped by PID.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  make_dirs(m_dir);
  ::chmod(m_dir.c_str(), 0755);
  give_to_broker_user(m_dir);
  write_file(m_main_config,
             "# A test broker's main config, shaped like Debian's mosquitto.conf.\n"
             "pid_file " + m_pid_file + "\n"
             "include_dir " + m_include_dir + "\n"
             "log_dest file " + m_log_file + "\n"
             "log_type all\n",
             0644);
  try {
    start();
  } catch (...) {
    stop();
    throw;
  }
}

Broker::~Broker() {
  try {
    stop();
  } catch (...) {
  }
}

bool Broker::running() const { return m_pid > 0 && process_alive(m_pid); }

std::string Broker::log() const {
  std::string text;
  if (file_exists(m_log_file)) text = read_file(m_log_file);
  if (file_exists(m_stderr_file)) {
    std::string err = read_file(m_stderr_file);
    if (!err.empty()) text += "\n--- stderr ---\n" + err;
  }
  return text;
}

void Broker::start() {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, m_stderr_file.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string program = k_mosquitto;
  std::string flag = "-c";
  std::string config = m_main_config;
  char* argv[] = {program.data(), flag.data(), config.data(), nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, k_mosquitto, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw BrokerStartError(std::string("cannot start ") + k_mosquitto + ": " + std::strerror(rc));
  }
  m_pid = pid;
  wait_ready();
}

// How many times the log says a broker finished starting. Mosquitto 2.0
// logs "mosquitto version X running" once every listener is open and its TLS
// settings loaded; it opens (and listens on) a socket before it rejects a
// bad tls_version or an unreadable key, so a listening port is no proof.
int Broker::running_lines() const {
  if (!file_exists(m_log_file)) return 0;
  std::istringstream lines(read_file(m_log_file));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    auto at = line.find(": mosquitto version ");
    if (at != std::string::npos && line.size() >= 8 &&
        line.compare(line.size() - 8, 8, " running") == 0) {
      ++count;
    }
  }
  return count;
}

void Broker::wait_ready() {
  // Generous: under ctest -j8 on two cores a start can take seconds. A
  // broker that fails is seen as soon as it exits, not at the deadline.
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    bool exited = r == m_pid || (r < 0 && errno == ECHILD && !process_alive(m_pid));
    if (exited) {
      std::string how = r == m_pid && WIFEXITED(status)
                            ? "exited with status " + std::to_string(WEXITSTATUS(status))
                            : "ended";
      m_pid = -1;
      throw BrokerStartError("mosquitto " + how + " before it was running:\n" + log());
    }
    // Ready: the pid file names this process, the log has a new "running"
    // line (written after every listener started), and every port listens.
    bool ready = read_pid(m_pid_file) == m_pid && running_lines() > m_running_lines;
    for (int port : m_ports) ready = ready && port_listening(port);
    if (ready && process_alive(m_pid)) {
      m_running_lines = running_lines();
      return;
    }
    if (Clock::now() >= deadline) {
      throw BrokerStartError("mosquitto (pid " + std::to_string(m_pid) +
                             ") was not running within 30 s:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

void Broker::stop() {
  if (m_pid <= 0) return;
  pid_t pid = m_pid;
  m_pid = -1;
  ::kill(pid, SIGTERM);
  if (wait_gone(pid, std::chrono::seconds(5))) return;
  ::kill(pid, SIGKILL);
  wait_gone(pid, std::chrono::seconds(5));
}

void Broker::restart(std::optional<std::vector<int>> new_ports) {
  stop();
  if (new_ports) m_ports = *new_ports;
  start();
}

std::string Broker::write_restart_script() {
  const std::string script = m_dir + "/restart.sh";
  write_file(script,
             "#!/bin/sh\n"
             "# restart_command of a test: stop the broker named by the pid file, start it again.\n"
             "set -e\n"
             "pid=$(cat '" + m_pid_file + "')\n"
             "kill -TERM \"$pid\"\n"
             "i=0\n"
             "# mosquitto removes its pid file as it ends\n"
             "while [ -e '" + m_pid_file + "' ]; do\n"
             "  i=$((i+1)); [ $i -le 100 ] || { echo \"broker $pid did not stop\" >&2; exit 1; }\n"
             "  sleep 0.05\n"
             "done\n"
             "'" + std::string(k_mosquitto) + "' -d -c '" + m_main_config + "' </dev/null >>'" +
                 m_stderr_file + "' 2>&1\n"
             "echo \"$pid\" >>'" + m_dir + "/restarted'\n",
             0755);
  return script;
}

void Broker::adopt_restart(std::vector<int> new_ports) {
  const pid_t old = m_pid;
  m_pid = -1;
  if (old > 0 && !wait_gone(old, std::chrono::seconds(5))) {
    m_pid = old;
    throw BrokerStartError("the old broker (pid " + std::to_string(old) + ") is still running");
  }
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (true) {
    auto pid = read_pid(m_pid_file);
    if (pid && *pid != old && process_alive(*pid)) {
      m_pid = *pid;
      break;
    }
    if (Clock::now() >= deadline) {
      throw BrokerStartError("no restarted broker in " + m_pid_file + ":\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  m_ports = std::move(new_ports);
  wait_ready();
}

// ---- Site -----------------------------------------------------------------

std::string Site::expand(const std::string& text) const {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "@/") == 0) {
      out += m_dir.path() + "/";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

void Site::write_spec(const std::string& text) const { write_file(spec_file(), expand(text)); }

ProcessResult Site::tool(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env) const {
  std::vector<std::string> all{"--state-dir", state_dir()};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back(spec_file());
  return run_tool(all, env);
}

// ---- spec fragments -------------------------------------------------------

std::string spec_head(const std::string& extra_reload) {
  return "version: 1\n"
         "broker:\n"
         "  config_file: @/etc/mosquitto/conf.d/mosq-reconcile.conf\n"
         "  main_config: @/broker/main.conf\n"
         "  password_file: @/etc/mosquitto/mqttpass\n"
         "  allow_anonymous: false\n"
         "  reload:\n"
         "    pid_file: @/broker/mosquitto.pid\n" +
         extra_reload;
}

std::string ec_tls_section(const std::string& clients_yaml) {
  return "tls:\n"
         "  dir: @/etc/mosquitto/certs\n"
         "  ca:\n"
         "    subject: { CN: mosq-reconcile test CA, O: Test }\n"
         "    key_type: ec-p256\n"
         "  server:\n"
         "    subject: { CN: broker.test, O: Test }\n"
         "    subject_alt_names: [ \"DNS:localhost\", \"IP:127.0.0.1\" ]\n"
         "    key_type: ec-p256\n" +
         clients_yaml;
}

std::string plain_listener(int port) {
  return "  - port: " + std::to_string(port) +
         "\n"
         "    bind_address: 127.0.0.1\n"
         "    tls: false\n";
}

std::string tls_listener(int port, const std::string& tls_version, const std::string& extra) {
  return "  - port: " + std::to_string(port) +
         "\n"
         "    bind_address: 127.0.0.1\n"
         "    tls_version: " + tls_version + "\n" + extra;
}

// ---- clients --------------------------------------------------------------

ProcessResult mqtt_publish(const Client& client, const std::string& topic,
                           const std::string& message) {
  auto argv = client_args("mosquitto_pub", client);
  argv.insert(argv.end(), {"-r", "-q", "1", "-t", topic, "-m", message});
  return run_process(argv, client.env, 15);
}

ProcessResult mqtt_receive(const Client& client, const std::string& topic) {
  auto argv = client_args("mosquitto_sub", client);
  argv.insert(argv.end(), {"-C", "1", "-W", "5", "-t", topic});
  return run_process(argv, client.env, 15);
}

bool mqtt_exchange(const Client& client, const std::string& topic, std::string* why) {
  const std::string message = "hello " + topic;
  ProcessResult pub = mqtt_publish(client, topic, message);
  if (pub.exit_code != 0) {
    if (why) *why = "mosquitto_pub: " + describe(pub);
    return false;
  }
  ProcessResult sub = mqtt_receive(client, topic);
  if (sub.exit_code != 0 || sub.out != message + "\n") {
    if (why) *why = "mosquitto_sub: " + describe(sub);
    return false;
  }
  return true;
}

std::string served_serial(int port) {
  ProcessResult r = run_process(
      {"/bin/sh", "-c",
       "openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
           " -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -serial"},
      {}, 15);
  if (r.exit_code != 0) throw std::runtime_error("openssl s_client: " + describe(r));
  std::string out = trim(r.out);
  return out.rfind("serial=", 0) == 0 ? out.substr(7) : out;
}

std::string file_serial(const std::string& cert_file) {
  ProcessResult r = run_process({"openssl", "x509", "-noout", "-serial", "-in", cert_file}, {}, 15);
  if (r.exit_code != 0) throw std::runtime_error("openssl x509: " + describe(r));
  std::string out = trim(r.out);
  return out.rfind("serial=", 0) == 0 ? out.substr(7) : out;
}

std::string date_in_days(int days) {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace mosq::test::live
