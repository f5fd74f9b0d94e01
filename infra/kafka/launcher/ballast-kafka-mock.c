/*
 * ballast-kafka-mock: run librdkafka's in-process mock cluster as Ballast's
 * local/CI Kafka broker, plus a tiny line-based TCP control channel for
 * fault injection (broker down/up, RTT, leader moves, request errors).
 *
 * Why a mock cluster instead of a real broker: it starts in milliseconds,
 * needs no JVM/ZooKeeper/KRaft, and lets tests inject broker faults
 * deterministically. It is NOT a real Kafka: everything is in memory and
 * only a subset of the protocol is implemented (see infra/kafka/README.md).
 *
 * Topic auto-creation (librdkafka 2.0.2, rdkafka_mock_handlers.c):
 *   - Only MetadataRequest auto-creates: v0..v3 always for an unknown
 *     topic, v4+ only when the request's AllowAutoTopicCreation flag is
 *     true. Auto-created topics get 4 partitions and replication
 *     min(3, brokers); neither is configurable through the public API.
 *     The mock advertises Metadata <= v2 by default, see main().
 *   - Produce/Fetch/etc. for an unknown topic return UNKNOWN_TOPIC_OR_PART.
 *   - The CreateTopics admin API is not implemented (and Metadata reports
 *     ControllerId 0, which is not a broker), so topics are created here,
 *     up front.
 *   - rd_kafka_mock_partition_set_leader() silently auto-creates unknown
 *     topics, which is why the `leader` command validates against our own
 *     topic table first.
 *
 * Threading: librdkafka runs the mock brokers on its own thread; every
 * rd_kafka_mock_*() setter is an op queued to that thread and waited for,
 * so calling them from our single-threaded control loop is safe.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_CLIENTS 16
#define LINE_MAX_LEN 1024
#define MAX_ARGS 8
#define MAX_BROKERS 64

struct topic {
        char *name;
        int partitions;
        int replication;
};

struct client {
        int fd;
        size_t len;
        char buf[LINE_MAX_LEN];
};

/* ApiKeys whose 2.0.2 mock handler consults the error stack. Errors pushed
 * for any other key would never fire (Metadata is implemented but never
 * injects), so those keys are rejected instead of silently accepted. */
static const struct {
        int key;
        const char *name;
} apis[] = {
    {0, "Produce"},          {1, "Fetch"},
    {2, "ListOffsets"},      {8, "OffsetCommit"},
    {9, "OffsetFetch"},      {10, "FindCoordinator"},
    {11, "JoinGroup"},       {12, "Heartbeat"},
    {13, "LeaveGroup"},      {14, "SyncGroup"},
    {18, "ApiVersions"},     {22, "InitProducerId"},
    {24, "AddPartitionsToTxn"}, {25, "AddOffsetsToTxn"},
    {26, "EndTxn"},          {28, "TxnOffsetCommit"},
};

static rd_kafka_mock_cluster_t *mcluster;
static struct topic *topics;
static int topic_cnt;
static int broker_cnt = 3;
static const char *bootstrap_file;
static char bootstraps[1024];

static void die(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "ballast-kafka-mock: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
        exit(2);
}

/* Strict integer parse: whole token must be a base-10 number in range. */
static int parse_int(const char *s, long min, long max, long *out) {
        char *end;
        long v;
        if (!s || !*s)
                return -1;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

static const struct topic *find_topic(const char *name) {
        for (int i = 0; i < topic_cnt; i++)
                if (!strcmp(topics[i].name, name))
                        return &topics[i];
        return NULL;
}

/* "name:partitions[:replication]"; Kafka topic names are [a-zA-Z0-9._-]. */
static void add_topic_arg(const char *arg) {
        char *copy = strdup(arg), *p1, *p2;
        long parts, repl = broker_cnt < 3 ? broker_cnt : 3;

        if (!copy)
                die("out of memory");
        if (!(p1 = strchr(copy, ':')))
                die("--topic %s: expected NAME:PARTITIONS[:REPLICATION]", arg);
        *p1++ = '\0';
        if ((p2 = strchr(p1, ':')))
                *p2++ = '\0';
        if (!*copy || strlen(copy) > 249 ||
            strspn(copy, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789._-") != strlen(copy))
                die("--topic %s: invalid topic name", arg);
        if (parse_int(p1, 1, 10000, &parts))
                die("--topic %s: partitions must be 1..10000", arg);
        if (p2 && parse_int(p2, 1, broker_cnt, &repl))
                die("--topic %s: replication must be 1..%d (brokers)", arg,
                    broker_cnt);
        if (find_topic(copy))
                die("--topic %s: duplicate topic", arg);

        topics = realloc(topics, sizeof(*topics) * (size_t)(topic_cnt + 1));
        if (!topics)
                die("out of memory");
        topics[topic_cnt++] = (struct topic) {copy, (int)parts, (int)repl};
}

/* Atomic publish: readers (kafkactl.sh, tests) treat the file's existence
 * as "cluster ready", so it must never be observed half-written. */
static int write_bootstrap_file(const char *path, const char *content) {
        char tmp[PATH_MAX];
        FILE *f;

        if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
            (int)sizeof(tmp))
                return -1;
        if (!(f = fopen(tmp, "w")))
                return -1;
        if (fprintf(f, "%s\n", content) < 0 || fflush(f) || fsync(fileno(f))) {
                fclose(f);
                unlink(tmp);
                return -1;
        }
        if (fclose(f) || rename(tmp, path)) {
                unlink(tmp);
                return -1;
        }
        return 0;
}

static int listen_control(const char *host, int port) {
        struct sockaddr_in sin = {.sin_family = AF_INET,
                                  .sin_port   = htons((uint16_t)port)};
        int one = 1, fd;

        if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
                die("--control-host %s: not an IPv4 address", host);
        if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
                return -1;
        /* REUSEADDR so a quick restart is not blocked by TIME_WAIT. */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
            listen(fd, 16)) {
                close(fd);
                return -1;
        }
        return fd;
}

/* Broker id 1..N. `minus1` names what -1 means to the caller's mock API
 * ("all" brokers, or "-1" = no leader); NULL when -1 is not allowed. */
static int parse_broker(const char *s, const char *minus1, int32_t *id,
                        char *err, size_t errsz) {
        long v;
        if (minus1 && !strcmp(s, minus1)) {
                *id = -1;
                return 0;
        }
        if (parse_int(s, LONG_MIN, LONG_MAX, &v)) {
                snprintf(err, errsz, "bad broker id '%s': not an integer", s);
                return -1;
        }
        if (v < 1 || v > broker_cnt) {
                snprintf(err, errsz, "unknown broker id %ld (valid: 1..%d)",
                         v, broker_cnt);
                return -1;
        }
        *id = (int32_t)v;
        return 0;
}

static int parse_apikey(const char *s, int16_t *key, char *err,
                        size_t errsz) {
        long v = -1;
        parse_int(s, 0, 32767, &v);
        for (size_t i = 0; i < sizeof(apis) / sizeof(apis[0]); i++) {
                if (apis[i].key == v || !strcasecmp(apis[i].name, s)) {
                        *key = (int16_t)apis[i].key;
                        return 0;
                }
        }
        snprintf(err, errsz,
                 "unknown or unsupported apikey '%s' (injectable: 0-2,8-14,18,"
                 "22,24-26,28 or names like Produce, Fetch, JoinGroup)",
                 s);
        return -1;
}

/* Accepts a numeric code or a librdkafka error name, optionally with the
 * RD_KAFKA_RESP_ERR_ prefix (NOT_LEADER_FOR_PARTITION, MSG_SIZE_TOO_LARGE,
 * _TRANSPORT); only codes librdkafka knows are allowed. _TRANSPORT (-195)
 * makes the mock broker drop the connection instead of answering. */
static int parse_errcode(const char *s, rd_kafka_resp_err_t *code, char *err,
                         size_t errsz) {
        const struct rd_kafka_err_desc *descs;
        size_t cnt;
        long v;
        int numeric = !parse_int(s, INT_MIN, INT_MAX, &v);

        if (!strncasecmp(s, "RD_KAFKA_RESP_ERR_", 18))
                s += 18;
        rd_kafka_get_err_descs(&descs, &cnt);
        for (size_t i = 0; i < cnt; i++) {
                if (!descs[i].name)
                        continue;
                if ((numeric && (long)descs[i].code == v) ||
                    (!numeric && !strcasecmp(descs[i].name, s))) {
                        if (descs[i].code == RD_KAFKA_RESP_ERR_NO_ERROR)
                                break;
                        *code = descs[i].code;
                        return 0;
                }
        }
        snprintf(err, errsz, "unknown error code '%s'", s);
        return -1;
}

/* Execute one command line, writing exactly one reply line (no newline)
 * into `out`. Returns 1 when the launcher should shut down. */
static int handle_command(char *line, char *out, size_t outsz) {
        char *argv[MAX_ARGS + 1], *save = NULL, *tok, err[256];
        int argc = 0;
        int32_t id;
        long v1, v2;
        rd_kafka_resp_err_t rerr;

        for (tok = strtok_r(line, " \t", &save); tok;
             tok = strtok_r(NULL, " \t", &save)) {
                if (argc == MAX_ARGS) {
                        snprintf(out, outsz, "error too many arguments");
                        return 0;
                }
                argv[argc++] = tok;
        }
        argv[argc] = NULL;
        if (argc == 0) {
                snprintf(out, outsz, "error empty command");
                return 0;
        }

#define NEED_ARGS(n, usage)                                                    \
        do {                                                                   \
                if (argc != (n) + 1) {                                         \
                        snprintf(out, outsz, "error usage: %s", usage);        \
                        return 0;                                              \
                }                                                              \
        } while (0)
#define FAIL(...)                                                              \
        do {                                                                   \
                snprintf(out, outsz, "error " __VA_ARGS__);                    \
                return 0;                                                      \
        } while (0)

        const char *cmd = argv[0];
        if (!strcmp(cmd, "ping")) {
                NEED_ARGS(0, "ping");
                snprintf(out, outsz, "ok pong");
        } else if (!strcmp(cmd, "bootstrap")) {
                NEED_ARGS(0, "bootstrap");
                snprintf(out, outsz, "ok %s", bootstraps);
        } else if (!strcmp(cmd, "topics")) {
                size_t n;
                NEED_ARGS(0, "topics");
                n = (size_t)snprintf(out, outsz, "ok");
                for (int i = 0; i < topic_cnt && n < outsz; i++)
                        n += (size_t)snprintf(out + n, outsz - n, " %s:%d:%d",
                                              topics[i].name,
                                              topics[i].partitions,
                                              topics[i].replication);
        } else if (!strcmp(cmd, "broker-down") || !strcmp(cmd, "broker-up")) {
                int up = !strcmp(cmd, "broker-up");
                NEED_ARGS(1, up ? "broker-up ID|all" : "broker-down ID|all");
                if (parse_broker(argv[1], "all", &id, err, sizeof(err)))
                        FAIL("%s", err);
                rerr = up ? rd_kafka_mock_broker_set_up(mcluster, id)
                          : rd_kafka_mock_broker_set_down(mcluster, id);
                if (rerr)
                        FAIL("%s", rd_kafka_err2str(rerr));
                snprintf(out, outsz, "ok broker %s %s", argv[1],
                         up ? "up" : "down");
        } else if (!strcmp(cmd, "rtt")) {
                NEED_ARGS(2, "rtt ID|all MS");
                if (parse_broker(argv[1], "all", &id, err, sizeof(err)))
                        FAIL("%s", err);
                if (parse_int(argv[2], 0, 600000, &v1))
                        FAIL("bad rtt '%s': expected 0..600000 ms", argv[2]);
                if ((rerr = rd_kafka_mock_broker_set_rtt(mcluster, id,
                                                         (int)v1)))
                        FAIL("%s", rd_kafka_err2str(rerr));
                snprintf(out, outsz, "ok broker %s rtt %ld ms", argv[1], v1);
        } else if (!strcmp(cmd, "leader")) {
                const struct topic *t;
                NEED_ARGS(3, "leader TOPIC PARTITION BROKER_ID|-1");
                if (!(t = find_topic(argv[1])))
                        FAIL("unknown topic '%s'", argv[1]);
                if (parse_int(argv[2], 0, t->partitions - 1, &v1))
                        FAIL("bad partition '%s' for %s (valid: 0..%d)",
                             argv[2], t->name, t->partitions - 1);
                /* -1 = leaderless partition (LEADER_NOT_AVAILABLE). */
                if (parse_broker(argv[3], "-1", &id, err, sizeof(err)))
                        FAIL("%s", err);
                if ((rerr = rd_kafka_mock_partition_set_leader(
                         mcluster, t->name, (int32_t)v1, id)))
                        FAIL("%s", rd_kafka_err2str(rerr));
                snprintf(out, outsz, "ok %s [%ld] leader %d", t->name, v1,
                         (int)id);
        } else if (!strcmp(cmd, "coordinator")) {
                /* Pin a group/transaction coordinator so a test can then
                 * take exactly that broker down. */
                NEED_ARGS(3, "coordinator group|transaction KEY BROKER_ID");
                if (strcmp(argv[1], "group") && strcmp(argv[1], "transaction"))
                        FAIL("bad coordinator type '%s': expected group or "
                             "transaction", argv[1]);
                if (parse_broker(argv[3], NULL, &id, err, sizeof(err)))
                        FAIL("%s", err);
                if ((rerr = rd_kafka_mock_coordinator_set(mcluster, argv[1],
                                                          argv[2], id)))
                        FAIL("%s", rd_kafka_err2str(rerr));
                snprintf(out, outsz, "ok %s %s coordinator %d", argv[1],
                         argv[2], (int)id);
        } else if (!strcmp(cmd, "request-errors")) {
                int16_t key;
                rd_kafka_resp_err_t code, *codes;
                NEED_ARGS(3, "request-errors APIKEY ERRCODE COUNT");
                if (parse_apikey(argv[1], &key, err, sizeof(err)))
                        FAIL("%s", err);
                if (parse_errcode(argv[2], &code, err, sizeof(err)))
                        FAIL("%s", err);
                if (parse_int(argv[3], 1, 10000, &v2))
                        FAIL("bad count '%s': expected 1..10000", argv[3]);
                if (!(codes = malloc(sizeof(*codes) * (size_t)v2)))
                        FAIL("out of memory");
                for (long i = 0; i < v2; i++)
                        codes[i] = code;
                rd_kafka_mock_push_request_errors_array(mcluster, key,
                                                        (size_t)v2, codes);
                free(codes);
                snprintf(out, outsz, "ok next %ld apikey %d requests fail "
                         "with %s", v2, key, rd_kafka_err2name(code));
        } else if (!strcmp(cmd, "clear-errors")) {
                int16_t key;
                NEED_ARGS(1, "clear-errors APIKEY");
                if (parse_apikey(argv[1], &key, err, sizeof(err)))
                        FAIL("%s", err);
                rd_kafka_mock_clear_request_errors(mcluster, key);
                snprintf(out, outsz, "ok cleared apikey %d", key);
        } else if (!strcmp(cmd, "shutdown")) {
                NEED_ARGS(0, "shutdown");
                snprintf(out, outsz, "ok shutting down");
                return 1;
        } else {
                FAIL("unknown command '%.64s' (try: ping bootstrap topics "
                     "broker-down broker-up rtt leader coordinator "
                     "request-errors clear-errors shutdown)",
                     cmd);
        }
        return 0;
#undef NEED_ARGS
#undef FAIL
}

static void reply(int fd, const char *msg) {
        /* MSG_NOSIGNAL: a client that hung up must not SIGPIPE us. Replies
         * are tiny, so a blocking send never stalls in practice. */
        size_t len = strlen(msg);
        if (send(fd, msg, len, MSG_NOSIGNAL) < 0 ||
            send(fd, "\n", 1, MSG_NOSIGNAL) < 0)
                return;
        fprintf(stdout, "control: %s\n", msg);
        fflush(stdout);
}

/* Read what is available and run every complete line. Returns -1 to close
 * the client, 1 to shut down, 0 otherwise. */
static int client_readable(struct client *c) {
        char out[2048];
        ssize_t r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
        char *nl;

        if (r <= 0)
                return -1;
        c->len += (size_t)r;

        while ((nl = memchr(c->buf, '\n', c->len))) {
                size_t linelen = (size_t)(nl - c->buf);
                int stop;
                *nl = '\0';
                if (linelen && c->buf[linelen - 1] == '\r')
                        c->buf[linelen - 1] = '\0';
                stop = handle_command(c->buf, out, sizeof(out));
                reply(c->fd, out);
                c->len -= linelen + 1;
                memmove(c->buf, nl + 1, c->len);
                if (stop)
                        return 1;
        }
        if (c->len == sizeof(c->buf)) {
                reply(c->fd, "error line too long");
                return -1;
        }
        return 0;
}

static void usage(void) {
        fprintf(stderr,
                "usage: ballast-kafka-mock [--brokers N] "
                "--topic NAME:PARTITIONS[:REPLICATION]...\n"
                "         [--bootstrap-file PATH] [--control-port PORT] "
                "[--control-host 127.0.0.1]\n"
                "         [--metadata-max-version 2..7] [--debug]\n");
        exit(2);
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
            {"brokers", required_argument, 0, 'b'},
            {"topic", required_argument, 0, 't'},
            {"bootstrap-file", required_argument, 0, 'f'},
            {"control-port", required_argument, 0, 'p'},
            {"control-host", required_argument, 0, 'H'},
            {"metadata-max-version", required_argument, 0, 'm'},
            {"debug", no_argument, 0, 'd'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0}};
        const char *control_host = "127.0.0.1";
        char **topic_args = calloc((size_t)argc, sizeof(char *));
        int ntopic_args = 0, debug = 0, opt, listen_fd, sfd, nclients = 0;
        int stop = 0, exit_code = 0;
        long control_port = 19093, metadata_max = 7, v;
        struct client clients[MAX_CLIENTS];
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        sigset_t sigs;

        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (opt) {
                case 'b':
                        if (parse_int(optarg, 1, MAX_BROKERS, &v))
                                die("--brokers must be 1..%d", MAX_BROKERS);
                        broker_cnt = (int)v;
                        break;
                /* Topics are parsed after all options: replication
                 * validation depends on --brokers wherever it appears. */
                case 't': topic_args[ntopic_args++] = optarg; break;
                case 'f': bootstrap_file = optarg; break;
                case 'p':
                        if (parse_int(optarg, 0, 65535, &control_port))
                                die("--control-port must be 0..65535");
                        break;
                case 'H': control_host = optarg; break;
                case 'm':
                        if (parse_int(optarg, 2, 7, &metadata_max))
                                die("--metadata-max-version must be 2..7");
                        break;
                case 'd': debug = 1; break;
                default: usage();
                }
        }
        if (optind != argc)
                usage();
        for (int i = 0; i < ntopic_args; i++)
                add_topic_arg(topic_args[i]);
        free(topic_args);

        /* Bind the control port first: a port clash (e.g. a second launcher)
         * fails fast, before any cluster exists. The bootstrap file is only
         * published later, so "file exists" means brokers AND control
         * channel are usable. */
        if ((listen_fd = listen_control(control_host, (int)control_port)) < 0)
                die("control %s:%ld: %s", control_host, control_port,
                    strerror(errno));
        if (control_port == 0) {
                struct sockaddr_in sin;
                socklen_t sl = sizeof(sin);
                getsockname(listen_fd, (struct sockaddr *)&sin, &sl);
                control_port = ntohs(sin.sin_port);
        }

        /* Block the termination signals before librdkafka spawns threads
         * (they inherit the mask), then receive them synchronously through
         * a signalfd in the poll loop: no async-signal-safety concerns and
         * no chance of a librdkafka thread swallowing the signal. */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        sigemptyset(&sigs);
        sigaddset(&sigs, SIGINT);
        sigaddset(&sigs, SIGTERM);
        sigaddset(&sigs, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &sigs, NULL) ||
            (sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0)
                die("signalfd: %s", strerror(errno));

        conf = rd_kafka_conf_new();
        if (rd_kafka_conf_set(conf, "client.id", "ballast-kafka-mock", errstr,
                              sizeof(errstr)) ||
            /* Level 4 hides the harmless "No bootstrap.servers" notice;
             * mock errors (LOG_ERR, e.g. unsupported requests) still show. */
            rd_kafka_conf_set(conf, "log_level", debug ? "7" : "4", errstr,
                              sizeof(errstr)) ||
            (debug && rd_kafka_conf_set(conf, "debug", "mock", errstr,
                                        sizeof(errstr))))
                die("conf: %s", errstr);
        /* The handle only hosts the mock cluster; it never produces. */
        if (!(rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
                                sizeof(errstr))))
                die("rd_kafka_new: %s", errstr);
        if (!(mcluster = rd_kafka_mock_cluster_new(rk, broker_cnt)))
                die("rd_kafka_mock_cluster_new failed");

        /* The 2.0.2 mock advertises Metadata v0..v2 only, although its handler
         * encodes v3..v7 correctly (v8 misplaces TopicAuthorizedOperations).
         * Below v4 the request has no AllowAutoTopicCreation flag, so every
         * Metadata request for an unknown topic silently creates it and
         * KafkaJS' allowAutoTopicCreation:false has no effect. Advertising v7
         * (KafkaJS uses <= v6) makes that flag work. */
        if (metadata_max != 2) {
                rd_kafka_resp_err_t err = rd_kafka_mock_set_apiversion(
                    mcluster, 3 /* Metadata */, 0, (int16_t)metadata_max);
                if (err)
                        die("set Metadata ApiVersion: %s",
                            rd_kafka_err2str(err));
        }

        for (int i = 0; i < topic_cnt; i++) {
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
                    mcluster, topics[i].name, topics[i].partitions,
                    topics[i].replication);
                if (err)
                        die("create topic %s: %s", topics[i].name,
                            rd_kafka_err2str(err));
        }
        snprintf(bootstraps, sizeof(bootstraps), "%s",
                 rd_kafka_mock_cluster_bootstraps(mcluster));

        if (bootstrap_file &&
            write_bootstrap_file(bootstrap_file, bootstraps)) {
                fprintf(stderr, "ballast-kafka-mock: write %s: %s\n",
                        bootstrap_file, strerror(errno));
                bootstrap_file = NULL;
                exit_code = 1;
                goto out;
        }
        printf("bootstrap=%s\ncontrol=%s:%ld\nbrokers=%d topics=%d\n",
               bootstraps, control_host, control_port, broker_cnt, topic_cnt);
        fflush(stdout);

        while (!stop) {
                struct pollfd pfds[MAX_CLIENTS + 2];
                int n = 0;
                pfds[n++] = (struct pollfd) {.fd = sfd, .events = POLLIN};
                /* Stop accepting while full: excess clients wait in the
                 * backlog rather than being dropped. */
                pfds[n++] = (struct pollfd) {
                    .fd = nclients < MAX_CLIENTS ? listen_fd : -1,
                    .events = POLLIN};
                for (int i = 0; i < nclients; i++)
                        pfds[n++] = (struct pollfd) {.fd = clients[i].fd,
                                                     .events = POLLIN};

                if (poll(pfds, (nfds_t)n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("poll");
                        exit_code = 1;
                        break;
                }
                if (pfds[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(sfd, &si, sizeof(si)) == sizeof(si))
                                printf("signal %u: shutting down\n",
                                       si.ssi_signo);
                        stop = 1;
                }
                /* Iterate backwards so removing a client (swap with last)
                 * does not skip entries; pfds[i+2] belongs to clients[i]. */
                for (int i = nclients - 1; i >= 0 && !stop; i--) {
                        int r;
                        if (!pfds[i + 2].revents)
                                continue;
                        r = client_readable(&clients[i]);
                        if (r == 1)
                                stop = 1;
                        else if (r < 0) {
                                close(clients[i].fd);
                                clients[i] = clients[--nclients];
                        }
                }
                if (!stop && (pfds[1].revents & POLLIN)) {
                        int cfd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
                        if (cfd >= 0)
                                clients[nclients++] =
                                    (struct client) {.fd = cfd, .len = 0};
                }
        }

        for (int i = 0; i < nclients; i++)
                close(clients[i].fd);
out:
        close(listen_fd);
        /* Remove the bootstrap file first so nobody connects to a cluster
         * that is going away. */
        if (bootstrap_file)
                unlink(bootstrap_file);
        rd_kafka_mock_cluster_destroy(mcluster);
        rd_kafka_destroy(rk);
        for (int i = 0; i < topic_cnt; i++)
                free(topics[i].name);
        free(topics);
        printf("stopped\n");
        fflush(stdout);
        return exit_code;
}
