#include "apply/backup.h"

#include <catch2/catch.hpp>

using mosq::apply::backup_name;

TEST_CASE("backup names: FILE.YYYY-MM-DD@HH:MM:SS~ in UTC, never a .conf the broker would include", "[apply]") {
  CHECK(backup_name("mqttpass", 0) == "mqttpass.1970-01-01@00:00:00~");
  CHECK(backup_name("mosq-reconcile.conf", 1796181943) == "mosq-reconcile.conf.2026-12-02@03:25:43~");
  const std::string name = backup_name("x.conf", 1796181943);
  CHECK(name.substr(name.size() - 5) != ".conf");
}
