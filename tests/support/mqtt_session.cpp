#include "support/mqtt_session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace mosq::test::live {
namespace {

using Clock = std::chrono::steady_clock;

std::string u16(std::uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; }
std::string mqtt_string(const std::string& s) { return u16(static_cast<std::uint16_t>(s.size())) + s; }

std::string remaining_length(std::size_t n) {
  std::string out;
  do {
    std::uint8_t byte = n % 128;
    n /= 128;
    if (n > 0) byte |= 0x80;
    out += static_cast<char>(byte);
  } while (n > 0);
  return out;
}

std::uint16_t read_u16(const std::string& s, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(s.at(at)) << 8) | static_cast<unsigned char>(s.at(at + 1)));
}

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

MqttSession::MqttSession(int port, const std::string& client_id, const std::optional<std::string>& user,
                         const std::optional<std::string>& password, int timeout_ms)
    : m_timeout_ms(timeout_ms) {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_fd < 0) throw MqttError(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = std::strerror(errno);
    ::close(m_fd);
    throw MqttError("connect to 127.0.0.1:" + std::to_string(port) + ": " + why);
  }
  std::uint8_t flags = 0x02;  // clean session
  if (user) flags |= 0x80;
  if (password) flags |= 0x40;
  std::string body = mqtt_string("MQTT") + std::string(1, 4) + std::string(1, static_cast<char>(flags)) + u16(60) +
                     mqtt_string(client_id);
  if (user) body += mqtt_string(*user);
  if (password) body += mqtt_string(*password);
  try {
    send(0x10, body);
    const Packet connack = wait_for(0x20);
    if (connack.body.size() != 2 || connack.body[1] != 0) {
      throw MqttError("CONNACK refused the connection (return code " +
                      std::to_string(connack.body.size() == 2 ? connack.body[1] : -1) + ")");
    }
  } catch (...) {
    ::close(m_fd);
    throw;
  }
}

MqttSession::~MqttSession() {
  try {
    send(0xe0, "");
  } catch (const MqttError&) {
  }
  ::close(m_fd);
}

void MqttSession::subscribe(const std::vector<std::string>& filters) {
  const std::uint16_t id = next_id();
  std::string body = u16(id);
  for (const auto& f : filters) body += mqtt_string(f) + std::string(1, 0);
  send(0x82, body);
  const Packet suback = wait_for(0x90);
  if (suback.body.size() != 2 + filters.size() || read_u16(suback.body, 0) != id) {
    throw MqttError("unexpected SUBACK");
  }
}

void MqttSession::publish(const std::string& topic, const std::string& payload) {
  const std::uint16_t id = next_id();
  send(0x32, mqtt_string(topic) + u16(id) + payload);
  while (true) {
    const Packet ack = wait_for(0x40);
    if (ack.body.size() == 2 && read_u16(ack.body, 0) == id) return;
  }
}

std::vector<MqttMessage> MqttSession::receive_until(const std::string& topic) {
  std::vector<MqttMessage> seen;
  // The timeout bounds the silence between two messages, not the whole
  // wait: a burst test reads for as long as its burst lasts (much longer
  // under sanitizers or a loaded machine), but a broker that stops
  // delivering is still noticed.
  while (true) {
    std::optional<MqttMessage> message = next_message(m_timeout_ms);
    if (!message) {
      throw MqttError("no message on " + topic + ": none at all for " + std::to_string(m_timeout_ms) + " ms");
    }
    seen.push_back(*message);
    if (message->topic == topic) return seen;
  }
}

std::optional<MqttMessage> MqttSession::next_message(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (m_queued.empty()) {
    std::optional<Packet> packet = read_packet(ms_left(deadline));
    if (!packet) return std::nullopt;
    if ((packet->header & 0xf0) == 0x30) take_publish(*packet);
  }
  MqttMessage message = m_queued.front();
  m_queued.erase(m_queued.begin());
  return message;
}

std::uint16_t MqttSession::next_id() {
  if (m_next_id == 0) m_next_id = 1;  // 0 is no packet identifier: the broker would drop the connection
  return m_next_id++;
}

void MqttSession::send(std::uint8_t header, const std::string& body) {
  const std::string packet = std::string(1, static_cast<char>(header)) + remaining_length(body.size()) + body;
  std::size_t sent = 0;
  while (sent < packet.size()) {
    const ssize_t n = ::send(m_fd, packet.data() + sent, packet.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw MqttError(std::string("send: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
}

bool MqttSession::read_exact(char* out, std::size_t n, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::size_t got = 0;
  while (got < n) {
    pollfd pfd{m_fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, ms_left(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return false;
    const ssize_t r = ::recv(m_fd, out + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) throw MqttError("the broker closed the connection");
    if (r < 0) throw MqttError(std::string("recv: ") + std::strerror(errno));
    got += static_cast<std::size_t>(r);
  }
  return true;
}

std::optional<MqttSession::Packet> MqttSession::read_packet(int timeout_ms) {
  Packet packet;
  char byte = 0;
  if (!read_exact(&byte, 1, timeout_ms)) return std::nullopt;
  packet.header = static_cast<std::uint8_t>(byte);
  std::size_t length = 0, multiplier = 1;
  do {
    // Once a packet has begun, the rest follows at once.
    if (!read_exact(&byte, 1, m_timeout_ms)) throw MqttError("truncated packet");
    length += (static_cast<unsigned char>(byte) & 0x7f) * multiplier;
    multiplier *= 128;
  } while (static_cast<unsigned char>(byte) & 0x80);
  packet.body.resize(length);
  if (length > 0 && !read_exact(packet.body.data(), length, m_timeout_ms)) throw MqttError("truncated packet");
  return packet;
}

MqttSession::Packet MqttSession::wait_for(std::uint8_t type) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(m_timeout_ms);
  while (true) {
    std::optional<Packet> packet = read_packet(ms_left(deadline));
    if (!packet) throw MqttError("no reply of type " + std::to_string(type >> 4) + " in time");
    if ((packet->header & 0xf0) == type) return *packet;
    if ((packet->header & 0xf0) == 0x30) take_publish(*packet);
  }
}

void MqttSession::take_publish(const Packet& packet) {
  const int qos = (packet.header >> 1) & 3;
  const std::uint16_t topic_length = read_u16(packet.body, 0);
  std::size_t at = 2 + topic_length;
  MqttMessage message{packet.body.substr(2, topic_length), ""};
  if (qos > 0) {
    send(0x40, u16(read_u16(packet.body, at)));  // PUBACK
    at += 2;
  }
  message.payload = packet.body.substr(at);
  m_queued.push_back(std::move(message));
}

}  // namespace mosq::test::live
