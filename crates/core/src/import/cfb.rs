//! A check of an old Excel file's container (OLE, "compound file") before calamine reads it.
//!
//! A compound file is a chain of sectors: its allocation table (the FAT) gives, for each
//! sector, the next one of the same stream. calamine 0.38 follows a chain until it ends,
//! without noticing a loop, and reads the directory chain with no length limit: a damaged
//! file whose FAT loops (sector 3 → 4 → 3) makes it append sectors forever, until memory
//! runs out. A real file's chains never loop, so a loop means the file is damaged.
//!
//! This walks the header, the DIFAT and the FAT the way calamine loads them (`cfb.rs`) and
//! refuses a FAT with a loop among the sectors the file holds. Anything else odd is left to
//! calamine, which returns an error for it (or panics, which `read.rs` catches).

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Ids from here up are markers, not sectors (DIFSECT, FATSECT, ENDOFCHAIN, FREESECT).
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// A compound file's sectors and its allocation table, as calamine loads them.
pub(crate) struct Container<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    max_id: usize,
    fat: Vec<u32>,
}

impl<'a> Container<'a> {
    /// Reads the header, the DIFAT and the FAT; `None` when they cannot be read (calamine
    /// then refuses the file with an error of its own).
    pub(crate) fn open(bytes: &'a [u8]) -> Option<Self> {
        let sector_size: usize = match u16_at(bytes, 30)? {
            0x0009 => 512,
            0x000C => 4096,
            _ => return None,
        };
        let mut c = Container {
            bytes,
            sector_size,
            max_id: bytes.len() / sector_size,
            fat: Vec::new(),
        };
        // The DIFAT: 109 FAT sector ids in the header, then a chain of DIFAT sectors.
        let mut difat: Vec<u32> = u32s(bytes.get(76..512)?).collect();
        let mut id = u32_at(bytes, 68)?;
        let mut steps = 0usize;
        while id < RESERVED_SECTORS {
            steps += 1;
            if steps > c.max_id.saturating_add(1) {
                return None; // calamine stops here with an error of its own
            }
            difat.extend(u32s(c.sector(id)?));
            id = difat.pop()?;
        }
        let mut fat = Vec::new();
        for id in difat.into_iter().filter(|id| *id < DIFSECT) {
            fat.extend(u32s(c.sector(id)?));
        }
        c.fat = fat;
        Some(c)
    }

    /// Sector `id` (the header fills the first sector; sector 0 starts after it).
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let data = self.bytes.get(self.sector_size..).unwrap_or_default();
        let id = usize::try_from(id).ok().filter(|id| *id <= self.max_id)?;
        let start = id.checked_mul(self.sector_size)?;
        let end = start.checked_add(self.sector_size)?.min(data.len());
        data.get(start..end)
    }

    /// The bytes of the chain of sectors from `start`, at most `len`. Stops at the end of the
    /// chain, at a sector the file does not hold, or after as many steps as there are sectors.
    fn chain(&self, start: u32, len: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id < RESERVED_SECTORS && out.len() < len && steps <= self.max_id {
            let Some(sector) = self.sector(id) else { break };
            out.extend_from_slice(sector);
            id = self.fat.get(id as usize).copied().unwrap_or(ENDOFCHAIN);
            steps += 1;
        }
        out.truncate(len);
        out
    }

    /// The stream named `name` (case aside), if the directory holds it.
    pub(crate) fn stream(&self, name: &str) -> Option<Vec<u8>> {
        let dir = self.chain(u32_at(self.bytes, 48)?, self.bytes.len());
        let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
        let entry = entries.iter().find(|e| {
            let len = usize::from(u16_at(e, 64).unwrap_or(0)).min(64);
            let units: Vec<u16> = e[..len]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|u| *u != 0)
                .collect();
            e[66] == 2 && String::from_utf16_lossy(&units).eq_ignore_ascii_case(name)
        })?;
        let start = u32_at(entry, 116)?;
        let size = usize::try_from(u32_at(entry, 120)?).ok()?;
        let cutoff = usize::try_from(u32_at(self.bytes, 56)?).ok()?;
        if size >= cutoff {
            return Some(self.chain(start, size));
        }
        // A small stream lives in 64-byte sectors inside the root entry's stream, chained
        // by the mini FAT.
        let root = entries.first()?;
        let mini = self.chain(
            u32_at(root, 116)?,
            usize::try_from(u32_at(root, 120)?).ok()?,
        );
        let mini_fat: Vec<u32> =
            u32s(&self.chain(u32_at(self.bytes, 60)?, self.bytes.len())).collect();
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id < RESERVED_SECTORS && out.len() < size && steps <= mini_fat.len() {
            let at = (id as usize).checked_mul(64)?;
            out.extend_from_slice(mini.get(at..at.checked_add(64)?.min(mini.len()))?);
            id = mini_fat.get(id as usize).copied().unwrap_or(ENDOFCHAIN);
            steps += 1;
        }
        out.truncate(size);
        Some(out)
    }
}

/// Why the file's sector chains cannot be read, if they cannot.
pub(crate) fn chain_problem(bytes: &[u8]) -> Option<&'static str> {
    let Container { max_id, fat, .. } = Container::open(bytes)?;

    // A loop among the sectors the file holds: each id is visited once, so this is linear.
    let limit = fat.len().min(max_id.saturating_add(1));
    let next = |i: usize| -> Option<usize> {
        let n = *fat.get(i)?;
        if n >= RESERVED_SECTORS || n == ENDOFCHAIN {
            return None;
        }
        usize::try_from(n).ok().filter(|n| *n < limit)
    };
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; limit];
    let mut path = Vec::new();
    for start in 0..limit {
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                NEW => {
                    state[i] = ON_PATH;
                    path.push(i);
                    at = next(i);
                }
                ON_PATH => return Some("a chain of its sectors loops back on itself"),
                _ => break,
            }
        }
        for i in path.drain(..) {
            state[i] = DONE;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small-sector compound file: the header, one FAT sector (sector 0) with `fat`, and
    /// `extra` more sectors.
    fn file(fat: &[u32], extra: usize) -> Vec<u8> {
        let mut b = vec![0u8; 512];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        b[30..32].copy_from_slice(&9u16.to_le_bytes());
        b[32..34].copy_from_slice(&6u16.to_le_bytes());
        b[68..72].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        for i in 0..109 {
            let id: u32 = if i == 0 { 0 } else { 0xFFFF_FFFF };
            b[76 + i * 4..80 + i * 4].copy_from_slice(&id.to_le_bytes());
        }
        let mut sector = vec![0xFFu8; 512];
        for (i, n) in fat.iter().enumerate() {
            sector[i * 4..i * 4 + 4].copy_from_slice(&n.to_le_bytes());
        }
        b.extend(sector);
        b.extend(vec![0u8; 512 * extra]);
        b
    }

    #[test]
    fn chains_that_end_pass_and_a_loop_is_found() {
        let fatsect = 0xFFFF_FFFD;
        assert_eq!(chain_problem(&file(&[fatsect, 2, 3, ENDOFCHAIN], 3)), None);
        assert!(chain_problem(&file(&[fatsect, 2, 3, 2], 3)).is_some());
        assert!(
            chain_problem(&file(&[fatsect, 1], 1)).is_some(),
            "a sector to itself"
        );
        // Ids past the end of the file are calamine's to refuse, not a loop.
        assert_eq!(chain_problem(&file(&[fatsect, 500, 1], 2)), None);
        assert_eq!(chain_problem(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), None);
    }
}
