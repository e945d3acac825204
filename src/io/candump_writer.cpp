#include "io/candump_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "io/candump_format.hpp"

namespace bms {

CandumpWriter::CandumpWriter(const std::string& path, std::string iface)
    : file_(std::fopen(path.c_str(), "we")), path_(path), iface_(std::move(iface)) {
  if (file_ == nullptr) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
}

CandumpWriter::~CandumpWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

SendResult CandumpWriter::send(const CanFrame& frame) noexcept {
  char line[kCandumpLineMax + 1];
  std::size_t n = write_candump_log_line(frame, line, iface_);
  line[n++] = '\n';
  return std::fwrite(line, 1, n, file_) == n ? SendResult::Sent : SendResult::Failed;
}

void CandumpWriter::flush() noexcept { std::fflush(file_); }

}  // namespace bms
