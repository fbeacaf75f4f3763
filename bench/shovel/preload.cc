// preload: produces N seed-shape KPI messages of M datapoints each to a topic, as fast as
// librdkafka allows, and waits for every delivery report. For shovel's end-to-end benchmark.
//   preload BOOTSTRAP TOPIC MESSAGES DATAPOINTS_PER_MESSAGE PARTITIONS
// Messages go round-robin over the partitions: the mock broker keeps only ~5 MiB per
// partition (DESIGN.md 2.6), so the partitioner's sticky batches would lose data.
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: preload BOOTSTRAP TOPIC MESSAGES DATAPOINTS_PER_MESSAGE PARTITIONS\n");
    return 2;
  }
  long messages = std::atol(argv[3]);
  int per = std::atoi(argv[4]);
  int partitions = std::atoi(argv[5]);
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const char* k, const char* v) {
    if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "preload: %s\n", err);
      std::exit(1);
    }
  };
  set("bootstrap.servers", argv[1]);
  set("linger.ms", "50");
  set("batch.num.messages", "10000");
  set("queue.buffering.max.messages", "1000000");
  static std::atomic<long> failed{0};
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void*) {
    if (m->err) failed++;
  });
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (!rk) {
    std::fprintf(stderr, "preload: %s\n", err);
    return 1;
  }
  long ts0 = 1700000000;
  std::string msg;
  for (long i = 0; i < messages; ++i) {
    msg = fmt::format(R"({{"type":"slice","ts":{},"data":{{"voltha.bench.dev{}":{{)",
                      ts0 + i % 86400, i % 1000);
    for (int k = 0; k < per; ++k) {
      msg += fmt::format(R"({}"metric_{}":{}.5)", k ? "," : "", k, i % 100000 + k);
    }
    msg += "}}}";
    for (;;) {
      rd_kafka_resp_err_t e = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_PARTITION(static_cast<int32_t>(i % partitions)),
          RD_KAFKA_V_VALUE(msg.data(), msg.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk, 10);
        continue;
      }
      if (e) {
        std::fprintf(stderr, "preload: %s\n", rd_kafka_err2str(e));
        return 1;
      }
      break;
    }
    rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 120000);
  long left = rd_kafka_outq_len(rk);
  rd_kafka_destroy(rk);
  if (failed || left) {
    std::fprintf(stderr, "preload: %ld failed, %ld undelivered\n", failed.load(), left);
    return 1;
  }
  std::printf("preloaded %ld messages x %d datapoints\n", messages, per);
  return 0;
}
