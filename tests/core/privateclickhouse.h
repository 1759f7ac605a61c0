#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace cepheid::test {

// A ClickHouse server of the test's own (docs/clickhouse.md, "Testing"): its data, logs and configuration in a
// temporary folder, listening on free loopback ports, stopped with the test. Users: "default" (no password),
// "analyst" (password "s3cret") and "tiny" (a memory limit of one byte per query, for the refusal tests).
class PrivateClickHouse
{
public:
    PrivateClickHouse() = default;
    ~PrivateClickHouse();
    PrivateClickHouse(const PrivateClickHouse&) = delete;
    PrivateClickHouse& operator=(const PrivateClickHouse&) = delete;

    // The server binary: $CEPHEID_CLICKHOUSE_SERVER, else clickhouse-server on PATH or in /usr/sbin; empty when
    // there is none (the tests are then skipped, saying so).
    static QString serverBinary();
    // Starts the server and waits until it answers; false with the reason (its error log's end) otherwise.
    bool start(QString& why);
    QString url(const QString& user = QStringLiteral("default")) const;
    int httpPort() const { return m_httpPort; }
    // HTTPS with a certificate of its own for the name "localhost" (not for 127.0.0.1), made with the openssl
    // command when it is there: 0 and empty when it is not.
    int httpsPort() const { return m_httpsPort; }
    QString certificatePath() const
    {
        return m_httpsPort ? m_directory.filePath(QStringLiteral("cert.pem")) : QString();
    }

private:
    QTemporaryDir m_directory;
    QProcess m_server;
    int m_httpPort = 0;
    int m_httpsPort = 0;
};

} // namespace cepheid::test
