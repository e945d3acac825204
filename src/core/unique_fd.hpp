#pragma once
/// @file unique_fd.hpp
/// Move-only owner of one file descriptor: the only way our code holds an fd (sockets, log
/// files, eventfds, signalfds, state files), so no path (early return, an exception during
/// start-up) can leak one. In core because io, dbus and app all hold descriptors; it does no
/// I/O of its own beyond close().

#include <unistd.h>

#include <utility>

namespace bms {

class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  /// Takes ownership of fd (negative = empty).
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  /// The descriptor, still owned by this object; -1 when empty.
  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  /// Closes now and reports it: close() can fail after a write (NFS, a full disk), and a file
  /// whose data matter must check it. @return 0, or -1 with errno set; 0 when empty.
  [[nodiscard]] int close() noexcept {
    const int fd = std::exchange(fd_, -1);
    return fd >= 0 ? ::close(fd) : 0;
  }
  /// Closes the owned descriptor (if any) and takes ownership of fd.
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace bms
