#pragma once
/// @file candump_writer.hpp
/// Writes frames in the candump log format that can-utils' canplayer reads.

#include <cstdio>
#include <string>

#include "io/frame_sink.hpp"

namespace bms {

class CandumpWriter final : public FrameSink {
 public:
  /// Opens (truncates) `path`. @throws std::runtime_error naming the file on failure.
  /// @param iface interface name written on every line (e.g. the configured output port).
  CandumpWriter(const std::string& path, std::string iface);
  ~CandumpWriter() override;
  CandumpWriter(const CandumpWriter&) = delete;
  CandumpWriter& operator=(const CandumpWriter&) = delete;

  SendResult send(const CanFrame& frame) noexcept override;
  void flush() noexcept override;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::FILE* file_;
  std::string path_;
  std::string iface_;
};

}  // namespace bms
