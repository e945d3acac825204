#pragma once
/// @file candump_writer.hpp
/// Writes frames in the candump log format that can-utils' canplayer reads. The file holds
/// whole lines only; a write error (a full disk) is kept and reported by error().

#include <string>

#include "io/frame_sink.hpp"
#include "io/line_file.hpp"

namespace bms {

class CandumpWriter final : public FrameSink {
 public:
  /// Opens (truncates) `path`. @throws std::runtime_error naming the file on failure.
  /// @param iface interface name written on every line (e.g. the configured output port).
  CandumpWriter(const std::string& path, std::string iface);

  /// Failed once the file could not be written (the frame is lost, and so are later ones).
  SendResult send(const CanFrame& frame) noexcept override;
  void flush() noexcept override;
  [[nodiscard]] const std::string& path() const noexcept { return file_.path(); }
  /// "PATH: cannot write: why" after a write error; empty while every line was written.
  [[nodiscard]] const std::string& error() const noexcept { return file_.error(); }

 private:
  LineFile file_;
  std::string iface_;
};

}  // namespace bms
