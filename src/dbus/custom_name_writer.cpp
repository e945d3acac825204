#include "dbus/custom_name_writer.hpp"

#include <spdlog/spdlog.h>

namespace bms::dbus {

CustomNameWriter::CustomNameWriter(CustomNameStore store)
    : store_(std::move(store)), thread_([this](std::stop_token stop) { run(stop); }) {}

CustomNameWriter::~CustomNameWriter() {
  thread_.request_stop();
  changed_.notify_all();
}  // the jthread joins here, after the last pending name was written

void CustomNameWriter::request(std::string name) {
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(name);
  }
  changed_.notify_all();
}

void CustomNameWriter::run(std::stop_token stop) {
  for (;;) {
    std::string name;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, stop, [&] { return pending_.has_value(); });
      if (!pending_) return;  // stopped with nothing left to write
      name = std::move(*pending_);
      pending_.reset();
    }
    std::string error;
    if (!store_.save(name, &error)) spdlog::warn("D-Bus: /CustomName set but not kept across restarts: {}", error);
  }
}

}  // namespace bms::dbus
