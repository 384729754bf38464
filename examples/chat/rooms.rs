//! The room registry: every connected client with its metadata, and every
//! room with its members, behind one mutex.
//!
//! Broadcasting happens under that lock, so every member of a room sees
//! the room's messages in the same order. It never blocks: each notice is
//! serialized and framed once, and the same bytes are queued to each
//! member's outbox without waiting (a full outbox disconnects that client
//! alone).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use super::protocol::{now_ms, parse_request, Notice, Request};
use super::session::Outbox;

/// The room that gets the server's clock once a second.
pub const TICKER_ROOM: &str = "ticker";
/// The most rooms one connection may be in.
pub const MAX_ROOMS_PER_CLIENT: usize = 16;
/// The longest room name, in characters.
pub const MAX_ROOM_NAME: usize = 64;

/// A connection's number, unique for the server's lifetime.
pub type ClientId = u64;

/// One connected client.
#[derive(Debug)]
struct Client {
    /// The user its token named.
    user: String,
    rooms: BTreeSet<String>,
    /// Chat messages it has sent.
    sent: u64,
    outbox: Outbox,
}

/// What is left of a client after it disconnects, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    /// The user it was.
    pub user: String,
    /// The rooms it was in.
    pub rooms: Vec<String>,
    /// The chat messages it sent.
    pub sent: u64,
}

/// A request that could not be served.
type Refused = (&'static str, String);

/// Every client and room.
#[derive(Debug, Default)]
struct State {
    next_id: ClientId,
    clients: HashMap<ClientId, Client>,
    /// Room name to members, in the order they connected.
    rooms: HashMap<String, BTreeSet<ClientId>>,
}

/// The shared registry: one per server.
#[derive(Debug, Default)]
pub struct Registry {
    state: Mutex<State>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not take the whole chat down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new connection for `user` and welcomes it.
    pub fn connect(&self, user: String, outbox: Outbox) -> ClientId {
        let mut state = self.lock();
        state.next_id += 1;
        let id = state.next_id;
        outbox.send(Notice::Welcome { id, user: &user }.prepare());
        let client = Client {
            user,
            rooms: BTreeSet::new(),
            sent: 0,
            outbox,
        };
        state.clients.insert(id, client);
        id
    }

    /// Serves one text message from client `id`; anything wrong with it is
    /// answered with an error notice to that client alone.
    pub fn handle_text(&self, id: ClientId, text: &str) {
        // Parsed before the lock is taken: other clients never wait on it.
        let request = parse_request(text);
        let mut state = self.lock();
        let result = match request {
            Ok(Request::Join { room }) => state.join(id, room),
            Ok(Request::Leave { room }) => state.leave(id, &room),
            Ok(Request::Message { room, text }) => state.say(id, &room, &text),
            Err(bad) => Err(bad.reply()),
        };
        if let Err((code, detail)) = result {
            state.send_to(id, &Notice::Error { code, detail });
        }
    }

    /// Tells client `id` that it sent something the chat does not take.
    pub fn refuse(&self, id: ClientId, code: &'static str, detail: &str) {
        let detail = detail.to_string();
        self.lock().send_to(id, &Notice::Error { code, detail });
    }

    /// Removes client `id`, telling the members of its rooms.
    pub fn disconnect(&self, id: ClientId) -> Option<Departure> {
        let mut state = self.lock();
        let client = state.clients.remove(&id)?;
        for room in &client.rooms {
            state.remove_member(room, id);
            let notice = Notice::Leave {
                room,
                user: &client.user,
                members: state.member_names(room),
                ts: now_ms(),
            };
            state.broadcast(room, &notice);
        }
        Some(Departure {
            user: client.user,
            rooms: client.rooms.into_iter().collect(),
            sent: client.sent,
        })
    }

    /// Sends the clock to the ticker room: one encoding, the same bytes
    /// (and so the same `ts`) for every member.
    pub fn tick(&self) {
        let state = self.lock();
        let ts = now_ms();
        state.broadcast(
            TICKER_ROOM,
            &Notice::Tick {
                room: TICKER_ROOM,
                ts,
            },
        );
    }
}

impl State {
    fn join(&mut self, id: ClientId, room: String) -> Result<(), Refused> {
        check_room_name(&room)?;
        let client = self.clients.get_mut(&id).ok_or(gone())?;
        if client.rooms.contains(&room) {
            return Err(("already_a_member", format!("already in {room:?}")));
        }
        if client.rooms.len() >= MAX_ROOMS_PER_CLIENT {
            let detail = format!("at most {MAX_ROOMS_PER_CLIENT} rooms per connection");
            return Err(("too_many_rooms", detail));
        }
        client.rooms.insert(room.clone());
        self.rooms.entry(room.clone()).or_default().insert(id);
        let notice = Notice::Join {
            room: &room,
            user: &self.clients[&id].user,
            members: self.member_names(&room),
            ts: now_ms(),
        };
        self.broadcast(&room, &notice);
        Ok(())
    }

    fn leave(&mut self, id: ClientId, room: &str) -> Result<(), Refused> {
        let client = self.clients.get_mut(&id).ok_or(gone())?;
        if !client.rooms.remove(room) {
            return Err(not_a_member(room));
        }
        // Everyone in the room hears it, the leaver too (as its
        // acknowledgement); `members` lists those who stay.
        let user = client.user.clone();
        let audience = self.members(room);
        self.remove_member(room, id);
        let notice = Notice::Leave {
            room,
            user: &user,
            members: self.member_names(room),
            ts: now_ms(),
        };
        self.deliver(&audience, &notice);
        Ok(())
    }

    fn say(&mut self, id: ClientId, room: &str, text: &str) -> Result<(), Refused> {
        let client = self.clients.get_mut(&id).ok_or(gone())?;
        if !client.rooms.contains(room) {
            return Err(not_a_member(room));
        }
        client.sent += 1;
        let notice = Notice::Message {
            room,
            from: &self.clients[&id].user,
            text,
            ts: now_ms(),
        };
        self.broadcast(room, &notice);
        Ok(())
    }

    /// Takes `id` out of `room`, and drops the room once it is empty.
    fn remove_member(&mut self, room: &str, id: ClientId) {
        if let Some(members) = self.rooms.get_mut(room) {
            members.remove(&id);
            if members.is_empty() {
                self.rooms.remove(room);
            }
        }
    }

    /// The user names of a room's members, in the order they connected.
    fn member_names(&self, room: &str) -> Vec<&str> {
        self.rooms.get(room).map_or_else(Vec::new, |members| {
            members
                .iter()
                .filter_map(|id| self.clients.get(id))
                .map(|client| client.user.as_str())
                .collect()
        })
    }

    /// The members of `room`, in the order they connected.
    fn members(&self, room: &str) -> Vec<ClientId> {
        self.rooms
            .get(room)
            .map_or_else(Vec::new, |members| members.iter().copied().collect())
    }

    /// Encodes `notice` once and queues the same bytes to every member of
    /// `room`.
    fn broadcast(&self, room: &str, notice: &Notice<'_>) {
        if let Some(members) = self.rooms.get(room) {
            self.deliver(members, notice);
        }
    }

    /// Encodes `notice` once and queues the same bytes to each client in
    /// `audience`.
    fn deliver<'i>(&self, audience: impl IntoIterator<Item = &'i ClientId>, notice: &Notice<'_>) {
        let message = notice.prepare();
        for client in audience.into_iter().filter_map(|id| self.clients.get(id)) {
            client.outbox.send(message.clone());
        }
    }

    fn send_to(&self, id: ClientId, notice: &Notice<'_>) {
        if let Some(client) = self.clients.get(&id) {
            client.outbox.send(notice.prepare());
        }
    }
}

/// Room names: 1 to 64 characters, no control characters.
fn check_room_name(room: &str) -> Result<(), Refused> {
    let length = room.chars().count();
    if (1..=MAX_ROOM_NAME).contains(&length) && !room.chars().any(char::is_control) {
        Ok(())
    } else {
        let detail = format!(
            "a room name has 1 to {MAX_ROOM_NAME} characters, none of them control characters"
        );
        Err(("bad_room", detail))
    }
}

fn not_a_member(room: &str) -> Refused {
    (
        "not_a_member",
        format!("not in room {room:?}; join it first"),
    )
}

/// A request from a client that is already being removed.
fn gone() -> Refused {
    ("gone", "disconnected".to_string())
}
