// floor (run by bench/shovel/floor.sh): how much of shovel's CPU is librdkafka's and how much
// is parsing and encoding. Consumes MESSAGES messages of TOPIC as shovel does (same consumer
// properties, consumer group, batch consume) and, by MODE, does nothing with them (none), parses
// them with shovel's parser (parse), or also encodes every datapoint into pickle frames that are
// then dropped (encode). Nothing is sent or committed. Prints the CPU seconds of the process and
// of its threads.
//   floor BOOTSTRAP TOPIC MESSAGES none|parse|encode [librdkafka key=value ...]
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "graphite/encoder.h"
#include "kpi/message_parser.h"
#include "shovel/shovel.h"

namespace {

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

// "name=cpu_s" for each thread, from /proc/self/task/*/stat (utime + stime in clock ticks).
std::string ThreadCpu() {
  std::string out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (const auto& t : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream f(t.path() / "stat");
    std::string line;
    std::getline(f, line);
    // The name is in parentheses and may hold spaces; utime and stime are the 12th and 13th
    // fields after it (proc(5)).
    size_t open = line.find('('), close = line.rfind(')');
    unsigned long utime = 0, stime = 0;
    if (open == std::string::npos || close == std::string::npos ||
        std::sscanf(line.c_str() + close + 1,
                    " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) {
      continue;
    }
    double cpu = static_cast<double>(utime + stime) / tick;
    if (cpu > 0) out += fmt::format(" {}={:.2f}", line.substr(open + 1, close - open - 1), cpu);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: floor BOOTSTRAP TOPIC MESSAGES none|parse|encode [key=value...]\n");
    return 2;
  }
  const std::string mode = argv[4];
  const long want = std::atol(argv[3]);
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // Exactly shovel's consumer defaults.
  vs::shovel::Options opt;
  opt.group = "floor";
  opt.from_beginning = true;
  vs::kafka::Properties props = vs::shovel::ConsumerDefaults(opt);
  props.emplace_back("bootstrap.servers", argv[1]);
  for (const auto& [key, value] : props) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "floor: %s\n", err);
      return 1;
    }
  }
  for (int i = 5; i < argc; ++i) {  // overrides, to try other settings
    std::string kv = argv[i];
    size_t eq = kv.find('=');
    if (eq == std::string::npos ||
        rd_kafka_conf_set(conf, kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), err,
                          sizeof(err)) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "floor: bad property '%s' %s\n", argv[i], err);
      return 2;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (!rk) {
    std::fprintf(stderr, "floor: %s\n", err);
    return 1;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, argv[2], RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(rk);

  vs::kpi::MessageParser parser;
  vs::kpi::DatapointBatch batch;
  vs::graphite::FrameEncoder enc(vs::graphite::Protocol::kPickle, 256 * 1024);
  long got = 0, points = 0;
  size_t frame_bytes = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  rd_kafka_message_t* msgs[1024];
  while (got < want && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = rd_kafka_consume_batch_queue(q, 100, msgs, 1024);
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = msgs[i];
      if (!m->err) {
        ++got;
        if (mode != "none") {
          batch.Clear();
          parser.Parse(std::string_view(static_cast<const char*>(m->payload), m->len), &batch);
          points += static_cast<long>(batch.size());
          if (mode == "encode") {
            for (size_t p = 0; p < batch.size(); ++p) {
              if (!enc.Append(batch.path(p), batch.timestamp(p), batch.value(p))) {
                std::string f = enc.Finish();
                frame_bytes += f.size();
                enc.Recycle(std::move(f));
                enc.Append(batch.path(p), batch.timestamp(p), batch.value(p));
              }
            }
          }
        }
      }
      rd_kafka_message_destroy(m);
    }
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("floor mode=%s messages=%ld datapoints=%ld frame_bytes=%zu cpu=%.2fs threads:%s\n",
              mode.c_str(), got, points, frame_bytes, Seconds(ru.ru_utime) + Seconds(ru.ru_stime),
              ThreadCpu().c_str());
  rd_kafka_queue_destroy(q);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return got == want ? 0 : 1;
}
