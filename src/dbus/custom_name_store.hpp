#pragma once
/// @file custom_name_store.hpp
/// Keeps the /CustomName a user set on the GX across restarts, in a small TOML state file
/// (`[service] state_file`). On Venus OS /data survives firmware updates; put it there.

#include <optional>
#include <string>

namespace bms::dbus {

class CustomNameStore {
 public:
  /// `path` empty: nothing is kept (load() gives nullopt, save() succeeds without writing).
  explicit CustomNameStore(std::string path) : path_(std::move(path)) {}

  /// @return the stored name; nullopt when there is no file, it is unreadable or malformed
  ///         (the config's custom_name is used then; the reason is in `error` if given).
  [[nodiscard]] std::optional<std::string> load(std::string* error = nullptr) const;

  /// Writes atomically (dbus/state_file: temp file, fsync, rename, other keys kept), so a power cut leaves the old or
  /// the new name, never a torn file. @return false with `error` set when it could not be written.
  bool save(const std::string& name, std::string* error = nullptr) const;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

}  // namespace bms::dbus
