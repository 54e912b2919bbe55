#pragma once

#include "core/random.h"
#include "core/result.h"
#include "core/secretbytes.h"

namespace tap::crypto {

// The key-encryption key (KEK). It is 32 bytes, written as 64 hex digits.
//
// fromFile() reads an existing file; with createIfMissing, a missing file is created with mode 0600
// (O_EXCL, so two processes starting at once cannot both create one). A file that is readable
// by group or others is refused, and so is anything that is not exactly 64 hex digits (plus an
// optional trailing newline).
class MasterKey
{
public:
    static core::Result<core::SecretBytes> fromHex(QByteArrayView hex);
    static core::Result<core::SecretBytes> fromFile(const QString &path, bool createIfMissing,
                                                    core::Random &random);
};

} // namespace tap::crypto
