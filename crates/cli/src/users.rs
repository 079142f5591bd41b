//! Signing in on the command line (`--user NAME`, the PIN from the terminal or stdin) and
//! the `user` commands. The core checks every permission; the CLI only says who is acting.

use std::io::{BufRead, IsTerminal};

use rollbook_core::users::{self, Role, UserInput};
use rollbook_core::{Error, ErrorCode, Result, Store, classes};

use crate::args::{Cli, UserCommand};
use crate::output::{json, table};

/// Where PINs come from: the terminal (not echoed), or stdin one per line.
pub struct Pins {
    from_stdin: bool,
}

impl Pins {
    pub fn new(cli: &Cli) -> Self {
        Pins {
            from_stdin: cli.pin_stdin,
        }
    }

    pub fn next(&mut self, prompt: &str) -> Result<String> {
        if self.from_stdin {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| Error::io("Cannot read the PIN from stdin", &e))?;
            let pin = line.trim_end_matches(['\r', '\n']).to_owned();
            if pin.is_empty() {
                return Err(Error::validation(
                    "pin",
                    "No PIN on stdin (give one per line with --pin-stdin).",
                ));
            }
            return Ok(pin);
        }
        if !std::io::stdin().is_terminal() {
            return Err(Error::validation(
                "pin",
                "A PIN is needed: run in a terminal, or pass --pin-stdin and pipe it in.",
            ));
        }
        rpassword::prompt_password(prompt).map_err(|e| Error::io("Cannot read the PIN", &e))
    }
}

/// Signs in the `--user`, if one is given.
pub fn sign_in(store: &Store, cli: &Cli, pins: &mut Pins) -> Result<()> {
    let Some(name) = &cli.user else {
        return Ok(());
    };
    let user = users::find_by_name(store, name)?;
    let pin = pins.next(&format!("PIN for {}: ", user.name))?;
    users::sign_in(store, user.id, &pin)?;
    Ok(())
}

pub fn unlock(store: &Store, cli: &Cli) -> Result<()> {
    let state = users::state(store)?;
    let Some(actor) = state.user else {
        return Err(Error::validation(
            "user",
            "Say who is unlocking: rollbook --user NAME unlock",
        ));
    };
    crate::run::done(
        cli.json,
        &actor,
        &format!("PIN accepted: {} ({})", actor.name, actor.role.as_str()),
    )
}

pub fn run(store: &Store, cmd: &UserCommand, cli: &Cli, pins: &mut Pins) -> Result<()> {
    match cmd {
        UserCommand::Add {
            name,
            role,
            classes: class_names,
        } => {
            let role = parse_role(role)?;
            let class_ids = class_names
                .iter()
                .map(|c| {
                    classes::find_by_name(store, c)?
                        .map(|c| c.id)
                        .ok_or_else(|| Error::not_found(&format!("The class {c:?}")))
                })
                .collect::<Result<Vec<_>>>()?;
            let pin = pins.next(&format!("New PIN for {name}: "))?;
            if !cli.pin_stdin {
                let again = pins.next("The same PIN again: ")?;
                if again != pin {
                    return Err(Error::validation("pin", "The two PINs differ."));
                }
            }
            let user = users::add(
                store,
                &UserInput {
                    name: name.clone(),
                    role,
                    class_ids,
                    active: true,
                },
                &pin,
            )?;
            crate::run::done(
                cli.json,
                &user,
                &format!("Added {} ({})", user.name, user.role.as_str()),
            )
        }
        UserCommand::List => {
            let list = users::list(store)?;
            if cli.json {
                return json(&list);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|u| {
                    vec![
                        u.name.clone(),
                        u.role.as_str().to_owned(),
                        match (u.active, u.locked) {
                            (false, _) => "switched off".to_owned(),
                            (true, true) => "locked".to_owned(),
                            (true, false) => String::new(),
                        },
                    ]
                })
                .collect();
            table(&["NAME", "ROLE", ""], &rows);
            Ok(())
        }
        UserCommand::ResetPin { name } => {
            let user = users::find_by_name(store, name)?;
            let pin = pins.next(&format!("New PIN for {}: ", user.name))?;
            users::reset_pin(store, user.id, &pin)?;
            crate::run::done(
                cli.json,
                &serde_json::json!({ "user": user.name, "pin_reset": true }),
                &format!("Set a new PIN for {}", user.name),
            )
        }
    }
}

fn parse_role(text: &str) -> Result<Role> {
    Role::parse(text).ok_or_else(|| {
        Error::new(
            ErrorCode::Validation,
            format!("{text:?} is not a role: use administrator, accountant, clerk or teacher."),
        )
    })
}
