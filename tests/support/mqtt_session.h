// One MQTT 3.1.1 connection to 127.0.0.1 (plain TCP), for broker tests that
// need order on one connection: publish a forbidden message, then a
// permitted sentinel, and wait for the sentinel; or keep a subscriber
// connected across reloads. QoS 1 publishes wait for their PUBACK, so the
// broker has routed a message before the next is sent. Every wait is on
// the socket (poll) with a deadline, never a sleep.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mosq::test::live {

struct MqttError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct MqttMessage {
  std::string topic;
  std::string payload;
};

class MqttSession {
 public:
  // Connects and waits for CONNACK; throws MqttError unless it is accepted
  // (return code 0). No user: an anonymous client.
  MqttSession(int port, const std::string& client_id, const std::optional<std::string>& user,
              const std::optional<std::string>& password, int timeout_ms = 20000);
  MqttSession(const MqttSession&) = delete;
  MqttSession& operator=(const MqttSession&) = delete;
  ~MqttSession();

  // SUBSCRIBE (QoS 0 each) and wait for its SUBACK.
  void subscribe(const std::vector<std::string>& filters);
  // PUBLISH at QoS 1 and wait for its PUBACK (2.0 acknowledges a publish
  // the ACL refuses too, and drops it).
  void publish(const std::string& topic, const std::string& payload);
  // Messages received, in order, until one arrives on `topic` (included);
  // throws MqttError when none does within the timeout.
  std::vector<MqttMessage> receive_until(const std::string& topic);
  // The next message, or nullopt when none arrives within timeout_ms.
  std::optional<MqttMessage> next_message(int timeout_ms);

 private:
  struct Packet {
    std::uint8_t header = 0;
    std::string body;
  };
  // 1..65535, wrapping past 0 (a long burst publishes more than 65,535).
  std::uint16_t next_id();
  void send(std::uint8_t header, const std::string& body);
  // The next packet (PUBLISHes met while waiting for another type are
  // queued as messages); nullopt on timeout.
  std::optional<Packet> read_packet(int timeout_ms);
  Packet wait_for(std::uint8_t type);
  bool read_exact(char* out, std::size_t n, int timeout_ms);
  void take_publish(const Packet& packet);

  int m_fd = -1;
  int m_timeout_ms;
  std::uint16_t m_next_id = 1;
  std::vector<MqttMessage> m_queued;
};

}  // namespace mosq::test::live
