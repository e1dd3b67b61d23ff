#include "broker/config_directives.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace mosq::broker;

TEST_CASE("config directives: lines, values and comments as Mosquitto reads them", "[broker][config]") {
  const auto d = parse_config_directives(
      "# a comment\n"
      "\n"
      "pid_file /run/mosquitto/mosquitto.pid\n"
      "   password_file   /etc/mosquitto/passwd  \r\n"
      "allow_anonymous false\n");
  REQUIRE(d.size() == 3);
  CHECK(d[0].line == 3);
  CHECK(d[0].name == "pid_file");
  CHECK(d[1].line == 4);
  CHECK(d[1].name == "password_file");
  CHECK(d[1].value == "/etc/mosquitto/passwd");
  CHECK_FALSE(d[1].in_listener);
  CHECK(d[2].value == "false");
}

TEST_CASE("config directives: a listener's options belong to the listener line above them", "[broker][config]") {
  const auto d = parse_config_directives(
      "listener 8883\n"
      "cafile /etc/mosquitto/ca.crt\n"
      "log_type all\n"
      "listener 1883 127.0.0.1\n"
      "protocol mqtt\n");
  REQUIRE(d.size() == 5);
  CHECK(d[1].in_listener);
  CHECK(d[1].listener_line == 1);
  CHECK(d[1].listener_port == 8883);
  CHECK_FALSE(d[2].in_listener);  // global wherever it stands
  CHECK(d[4].listener_line == 4);
  CHECK(d[4].listener_port == 1883);
  CHECK_FALSE(default_listener_port(d));
}

TEST_CASE("config directives: the default listener is made by port or a listener option before any listener",
          "[broker][config]") {
  SECTION("port") {
    const auto d = parse_config_directives("port 8883\ncafile /ca.crt\n");
    CHECK(default_listener_port(d) == 8883);
    CHECK(d[1].listener_line == 0);
    CHECK(d[1].listener_port == 8883);
  }
  SECTION("a TLS option alone: Mosquitto listens on 1883 with it") {
    const auto d = parse_config_directives("certfile /srv.crt\nlistener 8883\n");
    CHECK(default_listener_port(d) == 1883);
    CHECK(d[0].listener_port == 1883);
  }
  SECTION("nothing before the first listener: no default listener") {
    CHECK_FALSE(default_listener_port(parse_config_directives("log_type all\nlistener 8883\ncafile /c\n")));
  }
}

TEST_CASE("config directives: include_dir load order is mosquitto.conf(5)'s example", "[broker][config]") {
  std::vector<std::string> names{"b.conf", "A.conf", "01.conf", "a.conf", "B.conf", "00.conf"};
  std::sort(names.begin(), names.end(), include_order_less);
  CHECK(names == std::vector<std::string>{"00.conf", "01.conf", "A.conf", "a.conf", "B.conf", "b.conf"});
  CHECK(include_order_less("a.conf", "ab.conf"));
  CHECK_FALSE(include_order_less("a.conf", "a.conf"));
}
