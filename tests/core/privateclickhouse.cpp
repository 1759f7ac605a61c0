#include "privateclickhouse.h"

#include "clickhouse/clickhouseclient.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QStandardPaths>
#include <QThread>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cepheid::test {

namespace {

// A port nobody listens on now: the kernel's pick for a socket bound to port 0, closed again. Another process could
// take it before the server does; the server then fails to start and the test says why.
int freeLoopbackPort()
{
    const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
    if (socket < 0)
        return 0;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (::bind(socket, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
        && ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(socket);
    return port;
}

} // namespace

PrivateClickHouse::~PrivateClickHouse()
{
    if (m_server.state() != QProcess::NotRunning) {
        m_server.terminate();
        if (!m_server.waitForFinished(20000)) {
            m_server.kill();
            m_server.waitForFinished(5000);
        }
    }
}

QString PrivateClickHouse::serverBinary()
{
    const QString given = qEnvironmentVariable("CEPHEID_CLICKHOUSE_SERVER");
    if (!given.isEmpty())
        return QFile::exists(given) ? given : QString();
    QString found = QStandardPaths::findExecutable(QStringLiteral("clickhouse-server"));
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(QStringLiteral("clickhouse-server"), { QStringLiteral("/usr/sbin") });
    return found;
}

bool PrivateClickHouse::start(QString& why)
{
    const QString binary = serverBinary();
    if (binary.isEmpty() || !m_directory.isValid()) {
        why = QStringLiteral("no clickhouse-server, or no temporary folder");
        return false;
    }
    m_httpPort = freeLoopbackPort();
    const int tcpPort = freeLoopbackPort();
    const QString root = m_directory.path();
    // A self-signed certificate for "localhost" only: connecting by 127.0.0.1 must then fail the host name check.
    QString tls;
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (!openssl.isEmpty()) {
        QProcess make;
        make.start(openssl,
            { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                QStringLiteral("-nodes"), QStringLiteral("-keyout"), root + QStringLiteral("/key.pem"),
                QStringLiteral("-out"), root + QStringLiteral("/cert.pem"), QStringLiteral("-days"),
                QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:localhost") });
        if (make.waitForFinished(60000) && make.exitStatus() == QProcess::NormalExit && make.exitCode() == 0) {
            m_httpsPort = freeLoopbackPort();
            tls = QStringLiteral("<https_port>%1</https_port><openSSL><server><certificateFile>%2/cert.pem"
                                 "</certificateFile><privateKeyFile>%2/key.pem</privateKeyFile><verificationMode>none"
                                 "</verificationMode><loadDefaultCAFile>false</loadDefaultCAFile><disableProtocols>"
                                 "sslv2,sslv3</disableProtocols></server></openSSL>")
                      .arg(m_httpsPort)
                      .arg(root);
        }
    }
    const QString config = QStringLiteral(R"(<yandex>
  <logger><level>warning</level><log>%1/server.log</log><errorlog>%1/server.err.log</errorlog></logger>
  <http_port>%2</http_port>
  <tcp_port>%3</tcp_port>
  %4
  <listen_host>127.0.0.1</listen_host>
  <path>%1/data/</path>
  <tmp_path>%1/tmp/</tmp_path>
  <user_files_path>%1/user_files/</user_files_path>
  <format_schema_path>%1/format_schemas/</format_schema_path>
  <mark_cache_size>67108864</mark_cache_size>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <analyst><password>s3cret</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></analyst>
    <tiny><password></password><networks><ip>127.0.0.1</ip></networks><profile>tiny</profile><quota>default</quota></tiny>
  </users>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default><tiny><max_memory_usage>1</max_memory_usage></tiny></profiles>
  <quotas><default></default></quotas>
</yandex>
)")
                               .arg(root)
                               .arg(m_httpPort)
                               .arg(tcpPort)
                               .arg(tls);
    QFile file(root + QStringLiteral("/config.xml"));
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) != config.toUtf8().size()) {
        why = QStringLiteral("cannot write the server's configuration");
        return false;
    }
    file.close();
    m_server.setWorkingDirectory(root);
    m_server.setProcessChannelMode(QProcess::MergedChannels);
    m_server.start(binary, { QStringLiteral("--config-file=") + root + QStringLiteral("/config.xml") });
    if (!m_server.waitForStarted(10000)) {
        why = QStringLiteral("clickhouse-server did not start: ") + m_server.errorString();
        return false;
    }
    auto endpoint = ClickHouseEndpoint::parse(url().toStdString());
    endpoint->connectTimeout = std::chrono::seconds(2);
    endpoint->queryTimeout = std::chrono::seconds(5);
    const ClickHouseClient client(*endpoint);
    const QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired()) {
        if (m_server.state() == QProcess::NotRunning)
            break;
        if (const auto answer = client.executeSql("SELECT 1"); answer && *answer == "1\n")
            return true;
        QThread::msleep(200);
    }
    QFile log(root + QStringLiteral("/server.err.log"));
    why = QStringLiteral("clickhouse-server did not answer: ")
        + QString::fromUtf8(
            m_server.readAll().right(2000) + (log.open(QIODevice::ReadOnly) ? log.readAll().right(2000) : ""));
    return false;
}

QString PrivateClickHouse::url(const QString& user) const
{
    return QStringLiteral("http://%1@127.0.0.1:%2").arg(user).arg(m_httpPort);
}

} // namespace cepheid::test
