#include "observe/ownership.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace mosq::observe {
namespace {

constexpr const char* k_default_broker_user = "mosquitto";

bool permits(const Ownership& o, const FileInfo& info, mode_t user_bit, mode_t group_bit,
             mode_t other_bit) {
  if (!o.uid) return true;  // unknown broker user: nothing to check against
  if (*o.uid == 0) return true;
  if (info.uid == *o.uid) return (info.mode & user_bit) != 0;
  bool in_group = std::find(o.broker_groups.begin(), o.broker_groups.end(), info.gid) !=
                  o.broker_groups.end();
  if (in_group) return (info.mode & group_bit) != 0;
  return (info.mode & other_bit) != 0;
}

}  // namespace

Ownership resolve_ownership(const spec::Broker& broker) {
  Ownership o;
  o.can_chown = ::geteuid() == 0;
  o.owner_name = broker.owner;
  o.group_name = broker.group;
  const bool defaulted = !broker.owner && !broker.group;
  if (defaulted) {
    if (::getpwnam(k_default_broker_user) != nullptr) {
      o.owner_name = k_default_broker_user;
      if (::getgrnam(k_default_broker_user) != nullptr) o.group_name = k_default_broker_user;
    } else {
      o.warnings.push_back(
          "broker.owner is unset and there is no 'mosquitto' user on this host: files keep the "
          "owner of this run, and a broker running as another user may not read them");
    }
  }
  if (o.owner_name) {
    if (const passwd* pw = ::getpwnam(o.owner_name->c_str())) {
      o.uid = pw->pw_uid;
      int count = 64;
      std::vector<gid_t> groups(static_cast<size_t>(count));
      if (::getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count) == -1) {
        groups.resize(static_cast<size_t>(count));
        ::getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count);
      }
      groups.resize(static_cast<size_t>(std::max(count, 0)));
      o.broker_groups = groups;
    } else {
      o.warnings.push_back("broker.owner '" + *o.owner_name +
                           "' does not exist on this host: ownership left unchanged");
    }
  }
  if (o.group_name) {
    if (const group* gr = ::getgrnam(o.group_name->c_str())) {
      o.gid = gr->gr_gid;
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
