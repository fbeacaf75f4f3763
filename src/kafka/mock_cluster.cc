#include "kafka/mock_cluster.h"

#include <fmt/format.h>

namespace vs::kafka {

StatusOr<std::unique_ptr<MockCluster>> MockCluster::Start(int brokers) {
  std::unique_ptr<MockCluster> mc(new MockCluster());
  auto conf = BuildConf({{"log_level", "3"}});
  if (!conf.ok()) return conf.status();
  char err[512];
  mc->rk_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf->release(), err, sizeof(err)));
  if (!mc->rk_) return Internal(std::string("mock cluster handle: ") + err);
  mc->mcluster_ = rd_kafka_mock_cluster_new(mc->rk_.get(), brokers);
  if (!mc->mcluster_) return Internal("rd_kafka_mock_cluster_new failed");
  mc->bootstrap_ = rd_kafka_mock_cluster_bootstraps(mc->mcluster_);
  mc->brokers_ = brokers;
  return mc;
}

MockCluster::~MockCluster() {
  if (mcluster_) rd_kafka_mock_cluster_destroy(mcluster_);
}

Status MockCluster::CreateTopic(const std::string& topic, int partitions) {
  rd_kafka_resp_err_t e =
      rd_kafka_mock_topic_create(mcluster_, topic.c_str(), partitions, std::min(brokers_, 3));
  if (e) return Internal(fmt::format("create topic {}: {}", topic, rd_kafka_err2str(e)));
  return OkStatus();
}

Status MockCluster::SetBrokerDown(int id, bool down) {
  rd_kafka_resp_err_t e = down ? rd_kafka_mock_broker_set_down(mcluster_, id)
                               : rd_kafka_mock_broker_set_up(mcluster_, id);
  if (e)
    return Internal(fmt::format("broker {} {}: {}", id, down ? "down" : "up", rd_kafka_err2str(e)));
  return OkStatus();
}

}  // namespace vs::kafka
