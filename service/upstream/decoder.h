#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <memory>
#include <vector>

namespace tap::upstream {

// Decodes a response body's Content-Encoding (RFC 9110 §8.4) piece by piece, pulled by the
// reader: pull() hands out at most `max` decoded bytes and keeps the rest of the coded input
// for later, so a decompression bomb costs no more memory than any stream (one network read
// of coded input plus each decoder's window), however far it expands. libcurl's own decoding
// pushes everything one read decodes to, which it then buffers while the reader is paused.
//
// Codings: gzip (x-gzip), deflate (zlib, or raw as some servers send it), br, zstd (window at
// most 8 MiB, RFC 8878 §3.1.1.1.2 for HTTP), identity; listed in the order they were applied
// ("gzip, br": gzip first), so decoded from the last. Anything else is refused.
class BodyDecoder
{
public:
    class Layer;

    // Null when the value names no coding (empty or identity only); an error for a coding
    // tapd does not decode.
    static core::Result<std::unique_ptr<BodyDecoder>> create(const QByteArray &contentEncoding);
    // What the Accept-Encoding of upstream requests offers.
    static const char *accepted();

    ~BodyDecoder();

    // More coded input; call only once pull() has returned nothing.
    void push(QByteArrayView coded);
    // Up to `max` decoded bytes; empty: everything pushed so far is decoded. An error for data
    // that is not in the coding it is labelled with.
    core::Result<QByteArray> pull(qsizetype max);

private:
    BodyDecoder() = default;
    std::vector<std::unique_ptr<Layer>> m_layers; // [0] decodes the network bytes
};

} // namespace tap::upstream
