#include "observe/ownership.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "util/account_lookup.h"

namespace mosq::observe {
namespace {

constexpr const char* k_default_broker_user = "mosquitto";

// The broker user's groups, from the group database on first use: the
// lookup loads every NSS module that lists memberships (nss_systemd, and
// with it libcap), which costs a no-op run about a fifth of the life of a
// process that loads libcrypto, and is needed only when the answer turns on
// a group other than the user's own.
const std::vector<gid_t>& broker_groups(const Ownership& o) {
  if (!o.broker_groups) {
    std::vector<gid_t> groups;
    if (o.owner_name && o.broker_primary_gid) {
      int count = 64;
      groups.resize(static_cast<size_t>(count));
      if (::getgrouplist(o.owner_name->c_str(), *o.broker_primary_gid, groups.data(), &count) == -1) {
        groups.resize(static_cast<size_t>(count));
        ::getgrouplist(o.owner_name->c_str(), *o.broker_primary_gid, groups.data(), &count);
      }
      groups.resize(static_cast<size_t>(std::max(count, 0)));
    }
    o.broker_groups = std::move(groups);
  }
  return *o.broker_groups;
}

bool permits(const Ownership& o, const FileInfo& info, mode_t user_bit, mode_t group_bit,
             mode_t other_bit) {
  if (!o.uid) return true;  // unknown broker user: nothing to check against
  if (*o.uid == 0) return true;
  if (info.uid == *o.uid) return (info.mode & user_bit) != 0;
  const bool by_group = (info.mode & group_bit) != 0;
  const bool by_other = (info.mode & other_bit) != 0;
  if (by_group == by_other) return by_group;  // membership cannot change the answer
  if (o.broker_primary_gid && info.gid == *o.broker_primary_gid) return by_group;
  const std::vector<gid_t>& groups = broker_groups(o);
  const bool in_group = std::find(groups.begin(), groups.end(), info.gid) != groups.end();
  return in_group ? by_group : by_other;
}

}  // namespace

Ownership resolve_ownership(const spec::Broker& broker) {
  Ownership o;
  o.can_chown = ::geteuid() == 0;
  o.owner_name = broker.owner;
  o.group_name = broker.group;
  const bool defaulted = !broker.owner && !broker.group;
  if (defaulted) {
    if (find_user(k_default_broker_user)) {
      o.owner_name = k_default_broker_user;
      if (find_group(k_default_broker_user)) o.group_name = k_default_broker_user;
    } else {
      o.warnings.push_back(
          "broker.owner is unset and there is no 'mosquitto' user on this host: files keep the "
          "owner of this run, and a broker running as another user may not read them");
    }
  }
  if (o.owner_name) {
    if (const auto account = find_user(*o.owner_name)) {
      o.uid = account->uid;
      o.broker_primary_gid = account->gid;
    } else {
      o.warnings.push_back("broker.owner '" + *o.owner_name +
                           "' does not exist on this host: ownership left unchanged");
    }
  }
  if (o.group_name) {
    if (const auto gid = find_group(*o.group_name)) {
      o.gid = *gid;
    } else {
      o.warnings.push_back("broker.group '" + *o.group_name +
                           "' does not exist on this host: group left unchanged");
    }
  }
  return o;
}

bool broker_can_enter(const Ownership& ownership, const FileInfo& dir) {
  return permits(ownership, dir, S_IXUSR, S_IXGRP, S_IXOTH);
}

}  // namespace mosq::observe
