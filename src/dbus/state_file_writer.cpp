#include "dbus/state_file_writer.hpp"

#include <spdlog/spdlog.h>

namespace bms::dbus {

StateFileWriter::StateFileWriter(std::string failure_log)
    : failure_log_(std::move(failure_log)), thread_([this](std::stop_token stop) { run(stop); }) {}

StateFileWriter::~StateFileWriter() {
  thread_.request_stop();  // run() writes what is pending before it returns
  changed_.notify_all();
}

void StateFileWriter::request(Write write) {
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(write);
  }
  changed_.notify_all();
}

void StateFileWriter::wait_idle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !pending_ && !writing_; });
}

std::uint64_t StateFileWriter::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

void StateFileWriter::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, stop, [&] { return pending_.has_value(); });
    if (!pending_) return;  // stopped with nothing left to write
    const Write write = std::move(*pending_);
    pending_.reset();
    writing_ = true;
    lock.unlock();
    std::string error;
    if (!write(&error)) spdlog::warn("{}: {}", failure_log_, error);
    lock.lock();
    writing_ = false;
    ++writes_;
    changed_.notify_all();
  }
}

}  // namespace bms::dbus
