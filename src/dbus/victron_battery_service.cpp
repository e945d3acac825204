#include "dbus/victron_battery_service.hpp"

#include <poll.h>
#include <sdbus-c++/sdbus-c++.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#include "core/custom_name.hpp"
#include "dbus/busitem_export.hpp"

namespace bms::dbus {

/// One live connection. Members are destroyed in reverse order: the export (its filter and
/// vtable) goes before the connection it is registered on.
struct VictronBatteryService::Session {
  std::unique_ptr<sdbus::IConnection> connection;
  std::unique_ptr<BusItemExport> exported;
};

namespace {

std::string initial_custom_name(const Settings& settings, const CustomNameStore& store) {
  std::string error;
  if (auto stored = store.load(&error)) {
    if (is_valid_custom_name(*stored)) return *stored;
    spdlog::warn("D-Bus: ignoring the custom name in {}: not a valid name", store.path());
  } else if (!error.empty()) {
    spdlog::warn("D-Bus: ignoring state file: {}", error);
  }
  return settings.service.custom_name;
}

}  // namespace

VictronBatteryService::VictronBatteryService(const Settings& settings, ServiceIdentity identity, RetryPolicy retry)
    : settings_(settings),
      target_(BusTarget::parse(settings.service.dbus)),
      retry_(retry),
      name_store_(settings.service.state_file),
      name_writer_("D-Bus: /CustomName set but not kept across restarts") {
  add_battery_items(tree_, settings_, identity, initial_custom_name(settings_, name_store_));
  (void)tree_.take_changes();  // initial values are read with GetItems, not signalled
}

VictronBatteryService::~VictronBatteryService() { stop(); }

void VictronBatteryService::start() {
  if (thread_.joinable()) return;
  wake_fd_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_fd_.valid()) throw std::system_error(errno, std::generic_category(), "eventfd");
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void VictronBatteryService::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  wake();
  thread_.join();
  wake_fd_.reset();
}

void VictronBatteryService::publish(const Snapshot& snapshot, PublishReason reason) {
  bool needs_wake = false;
  {
    std::lock_guard lock(pending_mutex_);
    // A periodic snapshot that finds one already pending waits for the same flush deadline:
    // no need to wake the bus thread for it.
    needs_wake = !pending_.has_value() || (reason != PublishReason::Periodic && !urgent_);
    pending_ = snapshot;
    if (reason != PublishReason::Periodic) urgent_ = true;
    if (reason == PublishReason::Final) final_ = true;
  }
  if (needs_wake) wake();
}

ServiceStats VictronBatteryService::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

void VictronBatteryService::wake() noexcept {
  const std::uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the thread will wake anyway.
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_.get(), &one, sizeof one);
}

void VictronBatteryService::run() {
  auto backoff = retry_.first;
  std::string last_error;
  while (!stopping_) {
    if (!session_) {
      try {
        join_bus();
        backoff = retry_.first;
        last_error.clear();
      } catch (const std::exception& e) {
        drop_session();
        if (e.what() != last_error) {  // say it once, not every retry
          spdlog::warn("D-Bus: cannot register {} on the {}: {} (retrying)", service_name(), target_.describe(),
                       e.what());
          last_error = e.what();
        }
        wait_for_wake(backoff);
        flush(false);  // keep the model current while off the bus
        backoff = std::min(backoff * 2, retry_.max);
      }
      continue;
    }
    try {
      serve_once();
    } catch (const std::exception& e) {
      spdlog::warn("D-Bus: lost the {}: {}; re-registering", target_.describe(), e.what());
      registered_ = false;
      drop_session();
      std::lock_guard lock(stats_mutex_);
      ++stats_.bus_losses;
    }
  }
  try {
    flush(true);  // the Final snapshot, if it came just before stop()
    if (session_) session_->connection->releaseName(service_name());
  } catch (const std::exception& e) {
    spdlog::debug("D-Bus: leaving the bus: {}", e.what());
  }
  registered_ = false;
  drop_session();
}

void VictronBatteryService::drop_session() noexcept {
  // The attachment's proxies and matches live on the connection: they go first.
  if (attached_) attachment_->detach();
  attached_ = false;
  session_.reset();
}

void VictronBatteryService::join_bus() {
  auto session = std::make_unique<Session>();
  session->connection = open_bus(target_);
  session_ = std::move(session);
  const auto on_set = [this](const std::string& path, const BusValue& value) { return on_set_value(path, value); };
  session_->exported = std::make_unique<BusItemExport>(*session_->connection, tree_, on_set);
  if (attachment_ != nullptr) {
    attached_ = true;  // first: a half-made attachment is detached too if attach() throws
    attachment_->attach(*session_->connection);
  }
  flush(true);  // the newest values are in place before anyone can see the name
  // Claimed last: Venus clients scan a service the moment its name appears.
  session_->connection->requestName(service_name());
  registered_ = true;
  std::lock_guard lock(stats_mutex_);
  ++stats_.registrations;
  spdlog::info("D-Bus: registered {} on the {} ({} paths)", service_name(), target_.describe(),
               session_->exported->path_count());
}

void VictronBatteryService::serve_once() {
  sdbus::IConnection& connection = *session_->connection;
  while (connection.processPendingRequest()) {
  }
  // After every dispatch round: the attachment hands over what the messages produced (one
  // wake-up of the aggregator per round, not per message) and does what is due.
  if (attached_) attachment_->on_time(Clock::now());
  flush(false);
  const auto poll_data = connection.getEventLoopPollData();
  int timeout = poll_data.getPollTimeout();
  const int flush_timeout = next_flush_timeout_ms();
  if (flush_timeout >= 0 && (timeout < 0 || flush_timeout < timeout)) timeout = flush_timeout;
  if (attached_) {
    if (const auto due = attachment_->next_deadline()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*due - Clock::now()).count();
      const int t = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
      if (timeout < 0 || t < timeout) timeout = t;
    }
  }
  pollfd fds[2] = {{poll_data.fd, poll_data.events, 0}, {wake_fd_.get(), POLLIN, 0}};
  if (::poll(fds, 2, timeout) < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
  if ((fds[1].revents & POLLIN) != 0) {
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(wake_fd_.get(), &count, sizeof count);
  }
  // sd-bus reports a dead peer from sd_bus_process once the socket hangs up; if it has nothing
  // left to say, the connection is gone and polling it again would spin.
  if ((fds[0].revents & (POLLHUP | POLLERR)) != 0 && !connection.processPendingRequest()) {
    throw std::runtime_error("connection hung up");
  }
}

void VictronBatteryService::wait_for_wake(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!stopping_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return;
    pollfd fd{wake_fd_.get(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) > 0) {
      std::uint64_t count = 0;
      [[maybe_unused]] const ssize_t n = ::read(wake_fd_.get(), &count, sizeof count);
      flush(false);
    }
  }
}

int VictronBatteryService::next_flush_timeout_ms() {
  std::lock_guard lock(pending_mutex_);
  if (!pending_) return -1;
  if (urgent_) return 0;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(next_flush_ - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

bool VictronBatteryService::flush(bool force) {
  std::optional<Snapshot> snapshot;
  bool final = false;
  const auto now = Clock::now();
  {
    std::lock_guard lock(pending_mutex_);
    if (!pending_ || (!force && !urgent_ && now < next_flush_)) return false;
    snapshot = std::move(pending_);
    pending_.reset();
    urgent_ = false;
    final = std::exchange(final_, false);
  }
  next_flush_ = now + std::chrono::milliseconds(settings_.service.update_interval_ms);
  apply_snapshot(tree_, *snapshot);
  const std::vector<std::string> changed = tree_.take_changes();
  // Off the bus, or before the name is claimed, nobody can have read the old values: clients
  // start with GetItems, so the changes are dropped rather than signalled.
  const bool signal = !changed.empty() && registered_ && session_;
  if (signal) {
    session_->exported->emit_items_changed(changed);
    if (settings_.service.properties_changed) {
      for (const std::string& path : changed) session_->exported->emit_properties_changed(path);
    }
  }
  if (final) {
    // Scripts and tests wait for this line before reading the end state of a replay.
    spdlog::info("D-Bus: final state published ({} items changed{})", changed.size(),
                 registered_ ? "" : ", not on the bus yet");
  }
  std::lock_guard lock(stats_mutex_);
  ++stats_.flushes;
  if (signal) {
    ++stats_.items_changed_signals;
    stats_.items_sent += changed.size();
    if (settings_.service.properties_changed) stats_.properties_changed_signals += changed.size();
  }
  return true;
}

SetResult VictronBatteryService::on_set_value(const std::string& path, const BusValue& value) {
  const SetResult result = tree_.set_from_bus(path, value);
  if (result != SetResult::Accepted || !tree_.has_changes()) return result;
  // Kept by the writer's thread: an fsync must not stop this thread answering the bus.
  if (path == "/CustomName") {
    name_writer_.request([store = name_store_, name = std::get<std::string>(tree_.find(path)->value)](
                             std::string* error) { return store.save(name, error); });
  }
  const std::vector<std::string> changed = tree_.take_changes();
  // velib's VeDbusItemExport answers a SetValue with PropertiesChanged on the item; batch
  // clients (dbus-systemcalc-py, dbus-flashmq) also take ItemsChanged. A write is rare, so
  // both go out whatever properties_changed says.
  session_->exported->emit_items_changed(changed);
  for (const std::string& p : changed) session_->exported->emit_properties_changed(p);
  std::lock_guard lock(stats_mutex_);
  ++stats_.items_changed_signals;
  stats_.items_sent += changed.size();
  stats_.properties_changed_signals += changed.size();
  return result;
}

std::unique_ptr<VictronBatteryService> make_battery_service(const Settings& settings, ServiceIdentity identity) {
  return std::make_unique<VictronBatteryService>(settings, std::move(identity));
}

}  // namespace bms::dbus
