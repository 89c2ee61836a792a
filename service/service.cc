#include "service/service.h"

#include <systemd/sd-daemon.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "console/console_app.h"
#include "console/http_server.h"
#include "core/civil_date.h"
#include "core/log.h"
#include "core/poll_progress.h"
#include "ops/control_socket.h"
#include "ops/feed_status.h"
#include "pipeline/feed_lock.h"
#include "pipeline/feed_poll.h"
#include "pipeline/feed_shares.h"
#include "pipeline/mailer.h"
#include "pipeline/store_access.h"
#include "service/control_server.h"
#include "store/sql_db.h"

namespace rosterd {
namespace {

namespace asio = boost::asio;

class Service {
 public:
  Service(const ServiceOptions& options, std::shared_ptr<const Config> config)
      : options_(options),
        config_(std::move(config)),
        pool_(config_->workers),
        signals_(io_, SIGINT, SIGTERM, SIGHUP),
        watchdog_(io_),
        control_(io_, [this](const std::string& line,
                             ControlServer::Reply reply) { handle_control(line, reply); }),
        shares_("", std::chrono::seconds(2), config_->workers) {}

  int run() {
    shares_.set_feeds(*config_);
    wait_for_signal();
    open_control_socket();
    open_console();
    start_feeds();
    start_watchdog();
    sd_notify(0, "READY=1");
    log::info("service.ready", {{"feeds", std::to_string(feeds_.size())},
                                {"workers", std::to_string(config_->workers)}});
    update_status();
    io_.run();
    pool_.join();
    control_pool_.join();
    console_pool_.join();
    log::info("service.stopped");
    return 0;
  }

 private:
  // What one poll did, as status shows it.
  struct PollOutcome {
    std::string summary;
    bool failed = false;  // it failed itself (store, state_dir); a failing drop is drop_state
  };

  struct FeedState {
    std::unique_ptr<asio::steady_timer> timer;
    bool busy = false;
    std::string drop_state;          // the drop's last fault, so a lasting one is logged once
    std::string drop_failing_since;  // UTC: when drop_state last went from empty to a fault
    std::string poll_fault;          // the fault the last failed poll logged, so it is logged once
    std::string last;                // what the last poll did, for STATUS=
    bool last_failed = false;        // the last poll failed (not the drop: the poll itself)
    std::string last_at;             // when it ended (UTC)
    std::chrono::steady_clock::time_point next;
    // The poll running now: its transfers and reader note progress here (core/poll_progress.h).
    std::shared_ptr<PollProgress> progress;
  };

  // state_dir/rosterd.sock, 0600: `rosterd sync-now` and `rosterd status`.
  void open_control_socket() {
    control_state_dir_ = config_->state_dir;
    workers_at_start_ = config_->workers;
    std::error_code ec;
    std::filesystem::create_directories(config_->state_dir, ec);
    control_.open(control_socket_path(config_->state_dir));
  }

  // The district console (console:), on this loop; its pages are made on console_pool_.
  void open_console() {
    if (!config_->console.enabled) return;
    ServiceLink link;
    link.config = [this] {
      const std::lock_guard lock(config_mutex_);
      return config_;
    };
    link.feed_status = [this] {
      return ask_loop<std::vector<FeedStatus>>([this] { return own_status(); }, {});
    };
    link.sync_now = [this](const std::string& feed) {
      const std::string text = ask_loop<std::string>(
          [this, feed] { return answer("sync-now " + feed); }, "error: the service is stopping\n");
      SyncNowAnswer a;
      a.accepted = text.starts_with("ok:");
      a.message = text.substr(0, text.find('\n'));
      return a;
    };
    console_app_ = std::make_unique<ConsoleApp>(std::move(link));
    const ConsoleConfig& c = config_->console;
    HttpServer::Limits limits;
    limits.timeout = c.request_timeout;
    limits.header_timeout =
        std::min<std::chrono::milliseconds>(limits.header_timeout, c.request_timeout);
    limits.idle_timeout =
        std::min<std::chrono::milliseconds>(limits.idle_timeout, c.request_timeout);
    limits.max_connections = c.max_connections;
    limits.max_upload = c.max_upload;
    limits.is_upload = &ConsoleApp::is_upload;
    limits.proxies = {c.trusted_proxies.begin(), c.trusted_proxies.end()};
    console_ = std::make_unique<HttpServer>(
        io_, console_pool_, limits,
        [app = console_app_.get()](HttpRequest& r) { return app->handle(r); });
    if (!c.tls_cert_file.empty())
      console_->use_tls(c.tls_cert_file.string(), c.tls_key_file.string());
    console_->open(c.host, c.port);
    console_host_ = c.host;
    console_port_ = c.port;
    log::info("console.listening", {{"address", c.host + ":" + std::to_string(console_->port())},
                                    {"url", c.public_url}});
  }

  // From a console thread: runs `what` on the loop and waits for its answer (`fallback` when the
  // loop does not answer within 10 s: it is stopping).
  template <typename T, typename F>
  T ask_loop(F what, T fallback) {
    if (stop_requested_.load()) return fallback;
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    asio::post(io_, [promise, what] { promise->set_value(what()); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return fallback;
    return future.get();
  }

  // On the io thread: one request of the control socket.
  void handle_control(const std::string& line, const ControlServer::Reply& reply) {
    if (line == "status") {
      // The store part is read on the control thread: a store locked by a long commit must not
      // stall the loop (timers, signals, the watchdog).
      auto feeds = std::make_shared<std::vector<FeedStatus>>(own_status());
      std::shared_ptr<const Config> config = config_;
      asio::post(control_pool_, [this, reply, feeds, config]() mutable {
        add_store_facts(*config, *feeds);
        ServiceStatus status;
        status.feeds = std::move(*feeds);
        const std::string text = status_json(status) + "\n";
        // The reply (and with it the connection) goes back to the loop with the answer: the
        // connection must never be destroyed on this thread.
        asio::post(io_, [reply = std::move(reply), text] { reply(text); });
      });
      return;
    }
    reply(answer(line));
  }

  std::string answer(const std::string& line) {
    if (line.starts_with("sync-now ")) {
      const std::string name = line.substr(9);
      const auto it = feeds_.find(name);
      if (it == feeds_.end() || !it->second.timer)
        return "error: the service polls no feed \"" + name + "\"\n";
      log::info("service.sync_now", {{"feed", name}});
      if (it->second.busy) return "ok: " + name + " is polling now\n";
      it->second.timer->cancel();
      schedule(name, std::chrono::seconds(0));
      return "ok: " + name + " polls now\n";
    }
    return "error: unknown request \"" + line + "\" (sync-now FEED, status)\n";
  }

  // On the io thread: what the service itself knows of each feed it polls.
  std::vector<FeedStatus> own_status() {
    std::vector<FeedStatus> out;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& [name, st] : feeds_) {
      if (!st.timer) continue;
      FeedStatus f;
      f.feed = name;
      f.polling = st.busy;
      f.last_poll = st.last;
      f.last_poll_at = st.last_at;
      f.last_poll_failed = st.last_failed;
      if (!st.busy && !stopping_) {
        const auto secs = std::chrono::duration_cast<std::chrono::seconds>(st.next - now).count();
        f.next_poll_in = std::max<std::int64_t>(secs, 0);
      }
      f.drop_failing = st.drop_state;
      f.drop_failing_since = st.drop_failing_since;
      out.push_back(std::move(f));
    }
    return out;
  }

  void wait_for_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        reload();
        wait_for_signal();
        return;
      }
      stop();
    });
  }

  // Feeds with a source get a timer; the first poll is at once.
  void start_feeds() {
    for (const auto& [name, feed] : config_->feeds) {
      if (feed.source.kind == SourceKind::none) continue;
      FeedState& st = feeds_[name];
      if (!st.timer) st.timer = std::make_unique<asio::steady_timer>(io_);
      schedule(name, std::chrono::seconds(0));
    }
  }

  void schedule(const std::string& name, std::chrono::seconds after) {
    FeedState& st = feeds_[name];
    st.next = std::chrono::steady_clock::now() + after;
    st.timer->expires_after(after);
    st.timer->async_wait([this, name](const boost::system::error_code& ec) {
      if (!ec) poll(name);
    });
  }

  // On the io thread: hands the feed's poll to the pool unless one is running.
  void poll(const std::string& name) {
    if (stopping_) return;
    FeedState& st = feeds_[name];
    const auto it = config_->feeds.find(name);
    if (st.busy || it == config_->feeds.end() || it->second.source.kind == SourceKind::none) return;
    st.busy = true;
    st.progress = std::make_shared<PollProgress>();
    ++running_;
    update_status();
    std::shared_ptr<const Config> config = config_;  // the poll keeps its configuration
    std::string drop_state = st.drop_state;
    std::string poll_fault = st.poll_fault;
    asio::post(pool_, [this, config, name, drop_state, poll_fault,
                       progress = st.progress]() mutable {
      const ProgressScope scope(progress.get());
      // A poll queued behind others when SIGTERM came does not start.
      const PollOutcome result =
          stop_requested_.load() ? PollOutcome{"skipped (stopping)", false}
                                 : work(*config, config->feeds.at(name), drop_state, poll_fault);
      asio::post(io_, [this, name, result, drop_state, poll_fault] {
        feeds_[name].poll_fault = poll_fault;
        done(name, result, drop_state);
      });
    });
  }

  // On a pool thread: one cycle of the feed. Never throws. `poll_fault` is the fault the
  // feed's polls last logged (empty when they work): one that lasts (a read-only state_dir) is
  // logged when it starts and when it ends, not at every poll.
  PollOutcome work(const Config& config, const FeedConfig& feed, std::string& drop_state,
                   std::string& poll_fault) {
    try {
      require_writable_state_dir(config);
      const auto lock = FeedLock::try_acquire(config.state_dir, feed.name);
      if (!lock) return {"busy (another rosterd process)", false};
      const FeedShares::Answer share = shares_.hold(config, feed.name);
      if (share.state == FeedShares::State::standby)
        return {"standby (" + share.holder + " runs this feed)", false};
      if (share.state == FeedShares::State::unreachable) return {"waiting for the store", false};
      const auto store = open_store(config);
      shares_.connected();
      // The run lock, on the connection the run commits on: held while this poll runs.
      if (!store->holds().hold(feed.name, FeedHold::run))
        return {"busy (another instance's poll)", false};
      Mailer mailer(config, *store);
      // Its runs told to the shares: with its workers all running feeds, the service is busy
      // and the others take its feeds that come due meanwhile.
      const PollResult poll =
          poll_feed(config, feed, *store, mailer,
                    {options_.threads_per_run, feed_today(feed, store->clock().now()), false, false,
                     &shares_},
                    &drop_state);
      settle_unpolled_feeds(config, *store, mailer);  // their runs come from `rosterd ingest`
      if (!poll_fault.empty()) {
        log::info("service.poll_recovered", {{"feed", feed.name}});
        poll_fault.clear();
      }
      return {poll.summary(), false};
    } catch (const StoreConnectionError& e) {
      // Logged once an outage, not at every poll of every feed.
      shares_.connection_failed(e.what());
      return PollOutcome{std::string("failed: ") + e.what(), true};
    } catch (const std::exception& e) {
      if (poll_fault != e.what()) {
        log::error("service.poll_failed", {{"feed", feed.name}, {"error", e.what()}});
        poll_fault = e.what();
      }
      return PollOutcome{std::string("failed: ") + e.what(), true};
    }
  }

  void done(const std::string& name, const PollOutcome& result, const std::string& drop_state) {
    FeedState& st = feeds_[name];
    st.busy = false;
    st.last = result.summary;
    st.last_failed = result.failed;
    st.last_at = utc_timestamp();
    if (drop_state.empty()) {
      st.drop_failing_since.clear();
    } else if (st.drop_state.empty() || st.drop_failing_since.empty()) {
      st.drop_failing_since = st.last_at;  // this poll found it failing first
    }
    st.drop_state = drop_state;
    --running_;
    // One line a poll at debug: what an operator (or a test) follows to see polls go by. The
    // outcome is in `rosterd status`; faults are logged once, where they start and end.
    log::debug("service.polled", {{"feed", name}});
    update_status();
    if (stopping_) {
      if (running_ == 0) finish();
      return;
    }
    const auto it = config_->feeds.find(name);
    if (it != config_->feeds.end() && it->second.source.kind != SourceKind::none)
      schedule(name, it->second.schedule.poll_every);
  }

  void reload() {
    try {
      auto fresh = std::make_shared<const Config>(load_config(options_.config_file));
      {
        const std::lock_guard lock(config_mutex_);
        config_ = fresh;
      }
      shares_.set_feeds(*fresh);
      log::info("config.reloaded", {{"file", options_.config_file.string()}});
      sd_notify(0, "RELOADING=1");
      // Feeds gone, or without a source now, stop; every other feed not polling right now
      // polls at once with the new configuration (a busy one reschedules when it ends).
      for (auto& [name, st] : feeds_) {
        const auto it = config_->feeds.find(name);
        if ((it == config_->feeds.end() || it->second.source.kind == SourceKind::none) && st.timer)
          st.timer->cancel();
      }
      for (const auto& [name, feed] : config_->feeds) {
        if (feed.source.kind == SourceKind::none) continue;
        FeedState& st = feeds_[name];
        if (!st.timer) st.timer = std::make_unique<asio::steady_timer>(io_);
        if (!st.busy) {
          st.timer->cancel();
          schedule(name, std::chrono::seconds(0));
        }
      }
      const bool console_moved = fresh->console.enabled != static_cast<bool>(console_) ||
                                 (console_ && (fresh->console.host != console_host_ ||
                                               fresh->console.port != console_port_));
      if (fresh->state_dir != control_state_dir_ || fresh->workers != workers_at_start_ ||
          console_moved) {
        log::warning("config.needs_restart",
                     {{"keys", "state_dir, service.workers, console.listen"},
                      {"why", "they take effect when the service starts again"}});
      }
      sd_notify(0, "READY=1");
    } catch (const std::exception& e) {
      // The running configuration stays: a typo must not stop the nightly intake.
      log::error("config.reload_refused",
                 {{"file", options_.config_file.string()}, {"error", e.what()}});
    }
    update_status();
  }

  void stop() {
    if (stopping_) return;
    stopping_ = true;
    stop_requested_ = true;
    sd_notify(0, "STOPPING=1");
    log::info("service.stopping", {{"running", std::to_string(running_)}});
    for (auto& [name, st] : feeds_) {
      if (st.timer) st.timer->cancel();
    }
    signals_.cancel();
    control_.close();
    if (console_) console_->close();
    if (running_ == 0) finish();
  }

  void finish() {
    watchdog_.cancel();
    io_.stop();
  }

  void start_watchdog() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    const auto every = std::chrono::microseconds(usec / 2);
    tick_watchdog(every);
  }

  void tick_watchdog(std::chrono::microseconds every) {
    // The loop is alive; but a poll that has not moved (no bytes received, no rows parsed) for
    // service.stuck_after is stuck, and then systemd should restart the service. A long poll
    // that keeps moving is not: a large download within transfer_timeout goes on.
    const auto now = std::chrono::steady_clock::now();
    std::string stuck;
    for (const auto& [name, st] : feeds_) {
      if (st.busy && st.progress && now - st.progress->last() > config_->stuck_after) stuck = name;
    }
    if (stuck.empty()) {
      sd_notify(0, "WATCHDOG=1");
    } else if (!reported_stuck_) {
      reported_stuck_ = true;
      log::error("service.poll_stuck", {{"feed", stuck}});
    }
    watchdog_.expires_after(every);
    watchdog_.async_wait([this, every](const boost::system::error_code& ec) {
      if (!ec) tick_watchdog(every);
    });
  }

  void update_status() {
    std::string s = "STATUS=" + std::to_string(running_) + " polling";
    for (const auto& [name, st] : feeds_) {
      s += "; " + name + ": " + (st.busy ? "polling" : st.last.empty() ? "waiting" : st.last);
    }
    sd_notify(0, s.c_str());
  }

  ServiceOptions options_;
  std::shared_ptr<const Config> config_;
  asio::io_context io_;
  asio::thread_pool pool_;
  asio::thread_pool control_pool_{1};  // status queries that read the store
  // The console's pages and API answers: threads of their own, so a busy console never takes a
  // poll's worker and a poll never blocks a page.
  asio::thread_pool console_pool_{2};
  std::mutex config_mutex_;  // config_ is read by console threads
  asio::signal_set signals_;
  asio::steady_timer watchdog_;
  ControlServer control_;
  std::filesystem::path control_state_dir_;
  std::size_t workers_at_start_ = 0;
  std::map<std::string, FeedState> feeds_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::atomic<bool> stop_requested_{false};  // read by pool threads
  FeedShares shares_;  // which feeds of a shared store are this service's (used by pool threads)
  bool reported_stuck_ = false;
  std::unique_ptr<ConsoleApp> console_app_;
  std::unique_ptr<HttpServer> console_;  // after console_app_: destroyed first
  std::string console_host_;
  std::uint16_t console_port_ = 0;
};

}  // namespace

int run_service(const ServiceOptions& options) {
  auto config = std::make_shared<const Config>(load_config(options.config_file));
  bool any = false;
  for (const auto& [name, feed] : config->feeds)
    any = any || feed.source.kind != SourceKind::none;
  if (!any) {
    throw UsageError("no feed in " + config->file.string() +
                     " has a source (source.sftp or source.local): the service would have "
                     "nothing to poll.");
  }
  Service service(options, std::move(config));
  return service.run();
}

}  // namespace rosterd
