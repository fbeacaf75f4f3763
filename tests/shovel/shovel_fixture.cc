#include "tests/shovel/shovel_fixture.h"

#include <fmt/format.h>

#include <atomic>
#include <random>
#include <sstream>

#include "common/http_client.h"
#include "common/net.h"

namespace vs::shovel::testing {

using namespace std::chrono_literals;

Producer::Producer(const std::string& bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
  rd_kafka_conf_set(conf, "linger.ms", "5", err, sizeof(err));
  rd_kafka_conf_set(conf, "reconnect.backoff.max.ms", "1000", err, sizeof(err));
  rd_kafka_conf_set(conf, "message.max.bytes", "20000000", err, sizeof(err));
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void*) {
    EXPECT_EQ(m->err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(m->err);
  });
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  EXPECT_NE(rk_, nullptr) << err;
}

Producer::~Producer() {
  if (rk_) {
    rd_kafka_flush(rk_, 30000);
    rd_kafka_destroy(rk_);
  }
}

void Producer::Send(const std::string& topic, const std::string& payload, int32_t partition) {
  for (int tries = 0; tries < 1000; ++tries) {
    rd_kafka_resp_err_t e =
        rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_, 10);
      continue;
    }
    ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
    rd_kafka_poll(rk_, 0);
    return;
  }
  FAIL() << "producer queue stayed full";
}

void Producer::Flush() { ASSERT_EQ(rd_kafka_flush(rk_, 120000), RD_KAFKA_RESP_ERR_NO_ERROR); }

std::vector<std::string> ConsumeAll(const std::string& bootstrap, const std::string& topic,
                                    size_t count, std::chrono::milliseconds timeout) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
  rd_kafka_conf_set(conf, "group.id", ("check-" + std::to_string(std::random_device{}())).c_str(),
                    err, sizeof(err));
  rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", err, sizeof(err));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* t = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(t, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, t);
  rd_kafka_topic_partition_list_destroy(t);
  std::vector<std::string> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (!m->err) out.emplace_back(static_cast<const char*>(m->payload), m->len);
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

std::string MixedMessage(int i, Expected* expected, const std::string& tag) {
  const int64_t ts = 1700000000 + i;  // distinct per message, so per metric too
  const int dev = i % 3;
  switch (i % 4) {
    case 0:
      (*expected)[fmt::format("{}.seed.dev{}.m", tag, dev)].insert({ts, i});
      return fmt::format(R"({{"type":"slice","ts":{},"data":{{"{}.seed.dev{}":{{"m":{}}}}}}})", ts,
                         tag, dev, i);
    case 1:
      (*expected)[fmt::format("{}.ev.dev{}.m", tag, dev)].insert({ts, i + 0.5});
      return fmt::format(
          R"({{"type":"slice","ts":{}.0,"prefixes":{{"{}.ev.dev{}":{{"metrics":{{"m":{}.5}}}}}}}})",
          ts, tag, dev, i);
    case 2:
      (*expected)[fmt::format("{}_Eth.D{}.7.tx", tag, dev)].insert({ts, i * 2});
      return fmt::format(
          R"({{"type":"slice","ts":1.0,"slice_data":[{{"metadata":{{"title":"{}_Eth","ts":{},)"
          R"("logical_device_id":"L","device_id":"D{}","serial_no":"s","context":{{"port_no":"7"}}}},)"
          R"("metrics":{{"tx":{}}}}}]}})",
          tag, ts, dev, i * 2);
    default:
      (*expected)[fmt::format("{}.plain.dev{}.m", tag, dev)].insert({ts, -i});
      return fmt::format("{}.plain.dev{}.m {} {}\n", tag, dev, -i, ts);
  }
}

void ShovelTest::SetUp() {
  auto mc = kafka::MockCluster::Start(1);
  ASSERT_TRUE(mc.ok()) << mc.status().ToString();
  kafka_ = std::move(*mc);
  ASSERT_TRUE(kafka_->CreateTopic(topic_, 4).ok());
  ASSERT_TRUE(kafka_->CreateTopic("dead", 1).ok());
  carbon_ = std::make_unique<CarbonCache>();
  Status st = carbon_->Start();
  ASSERT_TRUE(st.ok()) << st.ToString();
  producer_ = std::make_unique<Producer>(kafka_->bootstrap());
  group_ = "it-" + std::to_string(std::random_device{}());
}

void ShovelTest::TearDown() {
  if (shovel_.running()) {
    int st = shovel_.Stop(15s);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "shovel did not exit cleanly: " << st;
  }
  if (HasFailure()) {
    std::string log = dir_.File("shovel.log");
    std::cerr << "---- shovel log (tail) ----\n" << vs::testing::TailOfFile(log, 6000) << "\n";
    std::cerr << "---- carbon log (tail) ----\n"
              << vs::testing::TailOfFile(carbon_->log_path(), 2000) << "\n";
  }
}

void ShovelTest::StartShovel(const std::vector<std::string>& extra,
                             const std::vector<std::string>& hosts) {
  auto port = FreeLoopbackPort();
  ASSERT_TRUE(port.ok());
  admin_port_ = *port;
  std::vector<std::string> argv = {
      vs::testing::BuildDir() + "/src/apps/shovel", "-K", kafka_->bootstrap(), "-t", topic_,
      "--group", group_, "--from-beginning", "--admin", "127.0.0.1:" + std::to_string(admin_port_),
      "--stats-interval", "2",
      // a re-joining member must not wait 45 s for the old one
      "--kafka-opt", "session.timeout.ms=6000", "--kafka-opt", "heartbeat.interval.ms=500",
      "--kafka-opt", "reconnect.backoff.max.ms=1000"};
  if (hosts.empty()) {
    argv.insert(argv.end(), {"-H", carbon_->pickle_address()});
  } else {
    for (const auto& h : hosts) argv.insert(argv.end(), {"-H", h});
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  ++shovel_starts_;
  ASSERT_TRUE(shovel_.Start(argv, dir_.File("shovel.log")));
  ASSERT_TRUE(
      vs::testing::WaitFor([&] { return Metric("shovel_messages_consumed_total") >= 0; }, 10s))
      << "shovel admin endpoint did not come up";
}

double ShovelTest::Metric(const std::string& name) {
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(admin_port_) + "/metrics";
  req.timeout = 2s;
  auto r = HttpCall(req);
  if (!r.ok() || r->status != 200) return -1;
  double sum = 0;
  std::istringstream in(r->body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0) continue;
    char next = line.size() > name.size() ? line[name.size()] : 0;
    if (next != ' ' && next != '{') continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

::testing::AssertionResult ShovelTest::AllLanded(const Expected& expected, CarbonCache* carbon,
                                                 std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& [path, points] : expected) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    std::vector<WhisperPoint> got = carbon->WaitForPoints(path, points.size(), std::max(left, 1ms));
    std::set<std::pair<int64_t, double>> have;
    for (const auto& p : got) have.insert({p.timestamp, p.value});
    size_t missing = 0;
    std::string example;
    for (const auto& p : points) {
      if (!have.count(p)) {
        if (missing++ == 0) example = fmt::format("({}, {})", p.first, p.second);
      }
    }
    if (missing) {
      return ::testing::AssertionFailure()
             << path << ": " << missing << " of " << points.size() << " points missing, e.g. "
             << example << "; whisper has " << have.size();
    }
    if (have.size() != points.size()) {
      return ::testing::AssertionFailure()
             << path << ": whisper has " << have.size() << " points, expected " << points.size();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace vs::shovel::testing
