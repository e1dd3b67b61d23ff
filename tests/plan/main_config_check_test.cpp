#include "plan/main_config_check.h"

#include <catch2/catch.hpp>

#include "broker/config_render.h"
#include "support/plan_fixture.h"

using namespace mosq;
using namespace mosq::plan;

namespace {

// Debian 12's /etc/mosquitto/mosquitto.conf, as the package installs it.
const std::string k_debian_main =
    "# Place your local configuration in /etc/mosquitto/conf.d/\n"
    "#\n"
    "# A full description of the configuration file is at\n"
    "# /usr/share/doc/mosquitto/examples/mosquitto.conf.example\n"
    "\n"
    "pid_file /run/mosquitto/mosquitto.pid\n"
    "\n"
    "persistence true\n"
    "persistence_location /var/lib/mosquitto/\n"
    "\n"
    "log_dest file /var/log/mosquitto/mosquitto.log\n"
    "\n"
    "include_dir /etc/mosquitto/conf.d\n";

observe::ObservedMainConfig main_config(const std::string& main_text,
                                        std::vector<std::pair<std::string, std::string>> included = {}) {
  observe::ObservedMainConfig observed;
  observed.exists = true;
  observed.path = "/etc/mosquitto/mosquitto.conf";
  observed.include_dirs = {"/etc/mosquitto/conf.d"};
  observed.files.push_back({observed.path, broker::parse_config_directives(main_text)});
  for (const auto& [path, text] : included) observed.files.push_back({path, broker::parse_config_directives(text)});
  return observed;
}

std::vector<std::string> messages(const std::vector<spec::Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) out.push_back(d.to_string());
  return out;
}

}  // namespace

TEST_CASE("main config: Debian's own mosquitto.conf does not collide with the snippet", "[plan][adoption]") {
  const auto spec = test::example_spec();
  const std::string desired = broker::render_config(spec);
  CHECK(main_config_conflicts(spec, main_config(k_debian_main), desired).empty());
  CHECK_FALSE(snippet_not_included_warning(spec, main_config(k_debian_main)));
}

TEST_CASE("main config: each tutorial line left in it is located and named for deletion", "[plan][adoption]") {
  const auto spec = test::example_spec();
  REQUIRE(spec.broker.config_file == "/etc/mosquitto/conf.d/mosq-reconcile.conf");
  const std::string desired = broker::render_config(spec);
  const auto conflicts = messages(main_config_conflicts(
      spec,
      main_config(k_debian_main +
                      "password_file /etc/mosquitto/passwd\n"  // line 14
                      "allow_anonymous false\n"                // 15
                      "listener 8883\n"                        // 16
                      "cafile /etc/mosquitto/ca_certificates/ca.crt\n"
                      "log_type all\n"  // 18: global, not the listener's
                      "listener 9001\n"
                      "protocol websockets\n",  // 20: another port, not ours
                  {{"/etc/mosquitto/conf.d/old-tls.conf", "port 8883\ncertfile /etc/mosquitto/certs/s.crt\n"}}),
      desired));
  CAPTURE(conflicts);
  REQUIRE(conflicts.size() == 6);
  CHECK(conflicts[0].rfind("/etc/mosquitto/mosquitto.conf:14:1: `password_file /etc/mosquitto/passwd` contradicts "
                           "the managed `password_file " + spec.broker.password_file + "` (" + spec.broker.config_file,
                           0) == 0);
  CHECK(conflicts[0].find("delete this line") != std::string::npos);
  CHECK(conflicts[1].rfind("/etc/mosquitto/mosquitto.conf:15:1: `allow_anonymous false` duplicates the managed "
                           "`allow_anonymous false`",
                           0) == 0);
  CHECK(conflicts[2].rfind("/etc/mosquitto/mosquitto.conf:16:1: `listener 8883` is also the managed listener 8883", 0) ==
        0);
  CHECK(conflicts[3].rfind("/etc/mosquitto/mosquitto.conf:17:1: `cafile /etc/mosquitto/ca_certificates/ca.crt` "
                           "configures the listener on line 16, on the port of the managed listener 8883",
                           0) == 0);
  CHECK(conflicts[4].rfind("/etc/mosquitto/conf.d/old-tls.conf:1:1: `port 8883` opens the default listener", 0) == 0);
  CHECK(conflicts[5].rfind("/etc/mosquitto/conf.d/old-tls.conf:2:1: `certfile /etc/mosquitto/certs/s.crt` configures "
                           "the default listener",
                           0) == 0);
}

TEST_CASE("main config: absent, or the snippet itself, checks nothing", "[plan][adoption]") {
  auto spec = test::example_spec();
  observe::ObservedMainConfig none;
  CHECK(main_config_conflicts(spec, none, broker::render_config(spec)).empty());
  CHECK_FALSE(snippet_not_included_warning(spec, none));
}

TEST_CASE("main config: a snippet outside every include_dir is a warning", "[plan][adoption]") {
  auto spec = test::example_spec();
  spec.broker.config_file = "/etc/mosquitto/managed/mosq-reconcile.conf";
  const auto warning = snippet_not_included_warning(spec, main_config(k_debian_main));
  REQUIRE(warning);
  CHECK(*warning == "the broker does not read /etc/mosquitto/managed/mosq-reconcile.conf: "
                    "/etc/mosquitto/mosquitto.conf has no `include_dir /etc/mosquitto/managed` (and the file must "
                    "end in .conf); add that line, or start the broker with -c "
                    "/etc/mosquitto/managed/mosq-reconcile.conf and set broker.main_config to it");
}

TEST_CASE("main config: with an acl_file managed, a hand-made acl_file line collides too", "[plan][adoption]") {
  auto spec = test::example_spec();
  spec.broker.acl_file = "/etc/mosquitto/acl";
  const auto conflicts = messages(main_config_conflicts(
      spec, main_config(k_debian_main + "acl_file /etc/mosquitto/aclfile\n"), broker::render_config(spec)));
  CAPTURE(conflicts);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].rfind("/etc/mosquitto/mosquitto.conf:14:1: `acl_file /etc/mosquitto/aclfile` contradicts the "
                           "managed `acl_file /etc/mosquitto/acl`",
                           0) == 0);
  // Without acl_file in the spec the snippet says nothing of it: the hand-made line is the broker's own.
  spec.broker.acl_file.reset();
  CHECK(main_config_conflicts(spec, main_config(k_debian_main + "acl_file /etc/mosquitto/aclfile\n"),
                              broker::render_config(spec))
            .empty());
}
