// Whether the broker user may enter a directory: the permission bits decide,
// and its group list is looked up only when the answer turns on it.
#include "observe/ownership.h"

#include <catch2/catch.hpp>

using namespace mosq;
using namespace mosq::observe;

namespace {

Ownership broker_user() {
  Ownership o;
  o.owner_name = "no-such-user-mosq-reconcile-test";
  o.uid = 4001;
  o.broker_primary_gid = 4001;
  return o;
}

FileInfo directory(mode_t mode, uid_t uid, gid_t gid) {
  FileInfo info;
  info.kind = FileKind::directory;
  info.mode = mode;
  info.uid = uid;
  info.gid = gid;
  return info;
}

}  // namespace

TEST_CASE("ownership: the bits decide, and the group list is looked up only when it matters", "[observe][ownership]") {
  Ownership o = broker_user();
  // The owner's bits, whatever the group.
  CHECK(broker_can_enter(o, directory(0700, 4001, 0)));
  CHECK_FALSE(broker_can_enter(o, directory(0077, 4001, 4001)));
  // Group and other bits agree: membership cannot change the answer.
  CHECK(broker_can_enter(o, directory(0755, 0, 0)));
  CHECK_FALSE(broker_can_enter(o, directory(0700, 0, 0)));
  // The user's own group.
  CHECK(broker_can_enter(o, directory(0750, 0, 4001)));
  CHECK_FALSE(broker_can_enter(o, directory(0705, 0, 4001)));
  CHECK_FALSE(o.broker_groups.has_value());  // not looked up for any of these

  // Another group, and the bits disagree: the group list decides.
  o.broker_groups = std::vector<gid_t>{4001, 4002};
  CHECK(broker_can_enter(o, directory(0750, 0, 4002)));
  CHECK_FALSE(broker_can_enter(o, directory(0750, 0, 4003)));
  CHECK_FALSE(broker_can_enter(o, directory(0705, 0, 4002)));
  CHECK(broker_can_enter(o, directory(0705, 0, 4003)));

  // Looked up on first need (a user this host does not know: no groups).
  Ownership fresh = broker_user();
  CHECK_FALSE(broker_can_enter(fresh, directory(0750, 0, 4002)));
  REQUIRE(fresh.broker_groups.has_value());
}

TEST_CASE("ownership: root's groups come from the group database", "[observe][ownership]") {
  // root (uid 0) may enter anything; its group list, looked up for a
  // non-root uid standing for it, holds gid 0.
  Ownership o;
  o.owner_name = "root";
  o.uid = 1;  // not 0, so the bits are checked
  o.broker_primary_gid = 0;
  CHECK(broker_can_enter(o, directory(0770, 2, 0)));          // its own group
  CHECK(broker_can_enter(o, directory(0705, 2, 12345)) == true);  // not a member: other bits
  REQUIRE(o.broker_groups.has_value());
  CHECK(std::find(o.broker_groups->begin(), o.broker_groups->end(), 0u) != o.broker_groups->end());
}
