// --backup, as Ansible's modules have it: before apply replaces a file's
// content (a key, a certificate, the password file, the config), the
// content it had is kept beside it as <file>.<YYYY-MM-DD@HH:MM:SS>~ (UTC),
// with the file's mode and owner from the first byte (a key's backup is as
// private as the key). The name ends in '~', never in ".conf", so the
// broker's include_dir does not read a config backup. Backups are never
// removed by the tool; prune them as you see fit.
#pragma once

#include <cstdint>
#include <string>

#include "util/file_system.h"
#include "util/root.h"

namespace mosq::apply {

// "mqttpass.2026-12-02@03:04:05~" for a file name and a unix time.
std::string backup_name(const std::string& file_name, std::int64_t now);

// Writes content (the file's current bytes, as apply re-read them) to a
// free backup name beside file, atomically, with the file's current mode
// and owner. Returns the backup's path as the spec names paths (inside
// the root). Throws Error when the file cannot be inspected.
std::string keep_backup(FileSystem& fs, const HostPath& file, const std::string& content, std::int64_t now);

}  // namespace mosq::apply
