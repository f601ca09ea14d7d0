//! Requests no HTTP client would send: broken request lines, framing and header bytes.

use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

const PATHS: &[&str] = &[
    "/__mock/health",
    "/__mock/apps",
    "/__mock/clock/advance",
    "/v1/token/access",
    "/v1/netpay/wx/unified-order",
    "/",
];

/// One raw request, always ending the write side so the server sees the end of input.
pub fn request(rng: &mut StdRng, limit: usize) -> Vec<u8> {
    let path = PATHS.choose(rng).copied().unwrap_or("/");
    let head = |extra: &str| -> Vec<u8> {
        format!("POST {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n{extra}\r\n")
            .into_bytes()
    };
    match rng.random_range(0..22) {
        0 => b"GARBAGE\r\n\r\n".to_vec(),
        1 => (0..rng.random_range(1..512)).map(|_| rng.random::<u8>()).collect(),
        2 => format!("GET {path} HTTP/9.9\r\nHost: x\r\n\r\n").into_bytes(),
        3 => b"GET /v1/\xff\xfe/\xc0\xaf?%%%&\xff=\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        4 => b"GET /__mock/apps/\xe6\xbc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        5 => format!("GET {path} HTTP/1.1\r\nHost x\r\n\r\n").into_bytes(),
        6 => [b"GET /__mock/health HTTP/1.1\r\nHost: x\r\nX-\xff\xfe: 1\r\nAuthorization: OPEN-ACCESS-TOKEN \xff\x00\x01\r\nConnection: close\r\n\r\n".as_slice()].concat(),
        7 => [head("Content-Length: -1\r\n"), b"{}".to_vec()].concat(),
        8 => [head("Content-Length: abc\r\n"), b"{}".to_vec()].concat(),
        9 => [head("Content-Length: 2\r\nContent-Length: 5\r\n"), b"{}".to_vec()].concat(),
        10 => [head("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n"), b"2\r\n{}\r\n0\r\n\r\n".to_vec()].concat(),
        11 => [head("Transfer-Encoding: chunked\r\n"), b"zz\r\n{}\r\n0\r\n\r\n".to_vec()].concat(),
        12 => [head("Transfer-Encoding: chunked\r\n"), b"ffffffffffffffffffff\r\n{}\r\n".to_vec()].concat(),
        13 => [head("Transfer-Encoding: chunked\r\n"), b"2\r\n{}\r\n".to_vec()].concat(),
        14 => [head("Transfer-Encoding: gzip, chunked\r\n"), b"2\r\n{}\r\n0\r\n\r\n".to_vec()].concat(),
        15 => [head("Content-Length: 100\r\n"), b"{\"appId\":".to_vec()].concat(),
        16 => [head(&format!("Content-Length: {}\r\n", u64::MAX)), b"{}".to_vec()].concat(),
        17 => {
            // A chunked body that passes the limit without ever declaring its length.
            let chunk = vec![b'a'; 8192];
            let mut out = head("Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n");
            for _ in 0..(limit / chunk.len() + 2) {
                out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                out.extend_from_slice(&chunk);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"0\r\n\r\n");
            out
        }
        18 => format!("GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "a".repeat(rng.random_range(10_000..100_000))).into_bytes(),
        19 => b"GET /__mock/health HTTP/1.1\r\nHost: x\r\n\r\nGET /__mock/apps HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        20 => [head("Expect: 100-continue\r\nContent-Length: 2\r\n"), b"{}".to_vec()].concat(),
        _ => b"GET /__mock/health\r\n\r\n".to_vec(),
    }
}
