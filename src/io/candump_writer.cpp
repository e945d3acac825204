#include "io/candump_writer.hpp"

#include "io/candump_format.hpp"

namespace bms {

CandumpWriter::CandumpWriter(const std::string& path, std::string iface) : file_(path), iface_(std::move(iface)) {}

SendResult CandumpWriter::send(const CanFrame& frame) noexcept {
  char line[kCandumpLineMax + 1];
  std::size_t n = write_candump_log_line(frame, line, iface_);
  line[n++] = '\n';
  file_.append(std::string_view(line, n));
  return file_.ok() ? SendResult::Sent : SendResult::Failed;
}

void CandumpWriter::flush() noexcept { file_.flush(); }

}  // namespace bms
