import Foundation
import GRDB
import GRDBSQLite

/// `corbi_rank(chunkFTS, parameters)`: a BM25F score computed inside FTS5 for the current
/// row, from per-phrase weights the searcher has already worked out (idf, query weight).
///
/// Only phrases from `phraseStart` on are scored, so a query shaped
/// `(rare terms) AND (all terms)` scores each row once, over all terms, while FTS5 only
/// visits the rows that hold a rare term (the MaxScore idea: common words can add to a
/// score but cannot bring in a row of their own).
///
/// The parameters blob holds Float64 values:
/// `k1, phraseStart, headingWeight, bodyWeight, headingB, bodyB, headingAverage, bodyAverage, W0, W1, ...`
/// where `Wi` is the weight of phrase `phraseStart + i` (idf × query weight × (k1 + 1)).
enum RankFunction {
    static let name = "corbi_rank"

    /// Indexes into the parameters blob.
    enum Slot {
        static let k1 = 0, phraseStart = 1, headingWeight = 2, bodyWeight = 3
        static let headingB = 4, bodyB = 5, headingAverage = 6, bodyAverage = 7, firstWeight = 8
    }

    static func register(_ db: Database) throws {
        let api = FTS5.api(db)
        guard let create = api.pointee.xCreateFunction else { throw KnowledgeBaseError.index("FTS5 cannot register functions") }
        let rc = create(UnsafeMutablePointer(mutating: api), name, nil, rankCallback, nil)
        if rc != SQLITE_OK { throw KnowledgeBaseError.index("cannot register \(name) (\(rc))") }
    }
}

private let rankCallback: fts5_extension_function = { apiPointer, context, result, argumentCount, arguments in
    guard let api = apiPointer?.pointee, argumentCount >= 1, let arguments,
        let blob = sqlite3_value_blob(arguments[0])
    else {
        sqlite3_result_double(result, 0)
        return
    }
    let count = Int(sqlite3_value_bytes(arguments[0])) / MemoryLayout<Double>.size
    let p = blob.assumingMemoryBound(to: Double.self)
    typealias S = RankFunction.Slot
    guard count > S.firstWeight else {
        sqlite3_result_double(result, 0)
        return
    }
    let k1 = p[S.k1]
    let phraseStart = Int32(p[S.phraseStart])
    var headingLength: Int32 = 0, bodyLength: Int32 = 0
    _ = api.xColumnSize(context, 0, &headingLength)
    _ = api.xColumnSize(context, 1, &bodyLength)
    let headingNorm = p[S.headingWeight] / (1 - p[S.headingB] + p[S.headingB] * Double(headingLength) / max(p[S.headingAverage], 1e-9))
    let bodyNorm = p[S.bodyWeight] / (1 - p[S.bodyB] + p[S.bodyB] * Double(bodyLength) / max(p[S.bodyAverage], 1e-9))
    let phrases = api.xPhraseCount(context)
    var score = 0.0
    var iterator = Fts5PhraseIter()
    var phrase = phraseStart
    var slot = S.firstWeight
    while phrase < phrases, slot < count {
        var column: Int32 = -1, offset: Int32 = -1
        var inHeading = 0, inBody = 0
        if api.xPhraseFirst(context, phrase, &iterator, &column, &offset) == SQLITE_OK {
            while column >= 0 {
                if column == 0 { inHeading += 1 } else { inBody += 1 }
                api.xPhraseNext(context, &iterator, &column, &offset)
            }
        }
        if inHeading + inBody > 0 {
            let tf = Double(inHeading) * headingNorm + Double(inBody) * bodyNorm
            score += p[slot] * tf / (k1 + tf)
        }
        phrase += 1
        slot += 1
    }
    sqlite3_result_double(result, score)
}
