#pragma once
/// @file state_file.hpp
/// The D-Bus service's small state file (`[service] state_file`, TOML): what must survive a
/// restart (the /CustomName set over D-Bus, the bank's /History counters). Several owners
/// write their own keys into the one file, so every write is a read-modify-write of the whole
/// table under one process-wide lock, replaced atomically (temp file, fsync, rename): a power
/// cut leaves the old or the new file, never a torn one. Writes are rare (flash wear on a GX).

#include <toml++/toml.h>

#include <functional>
#include <optional>
#include <string>

namespace bms::dbus {

/// @return the file's table; nullopt when `path` is empty or the file does not exist, or
///         when it cannot be parsed (then `error` names the file, line and what).
[[nodiscard]] std::optional<toml::table> read_state_file(const std::string& path, std::string* error = nullptr);

/// Reads the file (an unreadable or malformed one counts as empty), lets `edit` change its
/// keys, writes it back atomically with `comment` as its first line. Serialised across
/// threads. `path` empty: nothing is written, success.
/// @return false with `error` set ("PATH: cannot ...: reason") when it could not be written.
bool update_state_file(const std::string& path, const std::function<void(toml::table&)>& edit,
                       std::string* error = nullptr);

}  // namespace bms::dbus
