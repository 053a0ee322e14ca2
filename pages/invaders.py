"""Space Invaders from pixels: the DQN of the previous page, reading a picture of the screen."""

import pandas as pd
import streamlit as st

from core.dqn import INVADERS_EVAL_EPISODES, DQNConfig
from core.dqn.network import NATURE_OBSERVATION_SHAPE, multiply_adds, nature_dqn
from core.dqn.shipped import BAR_TIMES_RANDOM
from core.invaders import ACTIONS, CHANNELS, GRID, OBSERVATION_SHAPE
from ui import course, routing, sections
from ui import invaders as drawing
from ui.charts import invaders as charts
from ui.dqn import invaders_views as game
from ui.dqn import runs, views
from ui.dqn.form import config_form
from ui.drawing import draw

routing.ensure_router()
PAGE = "invaders"
BOOK = runs.INVADERS
CHANNEL_PIXELS = 120  # one channel's picture: five fit beside the screen, three on a phone
# Mnih et al. (2015), facts from the paper: frames per game, frames per decision, minibatch,
# decisions per minibatch.
NATURE_FRAMES, FRAME_SKIP, NATURE_BATCH, NATURE_UPDATE_EVERY = 50_000_000, 4, 32, 4
CHANNEL_NAMES = {
    "cannon": "your cannon",
    "alien_left": "aliens, block moving left",
    "alien_right": "aliens, block moving right",
    "friendly_bullet": "your bullets",
    "enemy_bullet": "the aliens' bullets",
}

st.title("Space Invaders from pixels")
shipped = runs.shipped_run(BOOK)
default = DQNConfig.for_environment("invaders")
st.markdown(
    "On the DQN page the network read **4 numbers** (the cart and the pole). Here it reads a "
    "**picture of the screen**: Space Invaders on the 10 × 10 grid of MinAtar (Young & Tian, "
    "2019), a miniature Atari game with the original's rules. Nothing else changes: the same "
    "training loop, replay buffer, target network and ε-greedy acting; the settings choose "
    "the game and, with it, the network that reads it. The agent is told nothing about "
    "aliens, bullets or cannons. It sees cells that are on or off, and learns from the score "
    "alone which patterns are worth acting on."
)

random_mean = game.random_mean()
shipped_scores = game.greedy_scores(shipped, views.run_key(shipped))
ratio = shipped_scores.mean() / random_mean
cpu_minutes = shipped.cpu_time / 60
guess = course.predict(
    PAGE,
    course.Prediction(
        f"A random player scores {random_mean:.1f} points a game on average. The shipped agent "
        f"trained for {shipped.total_steps:,} steps ({cpu_minutes:.0f} minutes of one CPU "
        "core). Acting greedily, what does it score on average?",
        (
            f"About twice random play (around {2 * random_mean:.0f})",
            f"About five times random play (around {5 * random_mean:.0f})",
            f"{BAR_TIMES_RANDOM} times random play or more ({BAR_TIMES_RANDOM * random_mean:.0f} "
            "or more)",
        ),
    ),
)

st.header("The game")
left, right = st.columns([3, 2])
with left:
    st.markdown(
        f"""
A block of 24 aliens marches sideways across the {GRID} × {GRID} grid and steps down a row
whenever it reaches an edge. Your cannon sits in the bottom row and has **{len(ACTIONS)}
actions**: {", ".join(ACTIONS)}. It may fire once every 5 steps; the aliens fire at it every
10 steps. **Reward**: +1 per alien destroyed. The game **ends** when an alien's bullet or an
alien reaches the cannon; a cleared wave is replaced by a faster one. There is no time limit
(as in MinAtar), so every episode ends by *termination*: there is no truncation to treat
differently here. As in MinAtar, with probability 0.1 the game repeats the previous action
instead of the chosen one (*sticky actions*), so even a fixed policy meets varied games.
"""
    )
with right:
    st.markdown("**A random player** loses within a few dozen steps:")
    gif, still = game.random_animation(seed=1)
    views.animation(
        gif,
        still,
        "Space Invaders animation of a random player: the cannon jitters in the bottom row "
        "while the alien block marches and fires, and the game ends within a few dozen steps.",
        "invaders_random",
    )
    views.animation_switch()

st.header("What the agent sees")
trace = game.greedy_game(shipped, views.run_key(shipped))
frames = len(trace.observations)
frame = st.slider(
    "Frame of the shipped agent's first evaluation game",
    min_value=0,
    max_value=frames - 1,
    value=min(30, frames - 1),
    key="invaders_frame",
    help="Step through a game and see the five channels the network receives in that frame.",
)
observation = trace.observations[frame]
screen, channel_column = st.columns([2, 3])
with screen:
    st.image(
        drawing.screen_png(observation),
        caption=f"The screen at step {frame}: all five channels together",
        alt=f"The Space Invaders screen at step {frame} of the game: "
        f"{int(observation[1:3].sum())} aliens, the cannon in column "
        f"{int(observation[0, -1].argmax())}, {int(observation[3].sum())} of its bullets and "
        f"{int(observation[4].sum())} alien bullets in flight.",
        width=CHANNEL_PIXELS * 2,
        output_format="PNG",
    )
with channel_column:
    st.markdown(
        f"**The network's input: {len(CHANNELS)} channels of {GRID} × {GRID} cells**, each cell "
        "0 or 1. The picture on the left is only for us."
    )
    images = drawing.channel_pngs(observation)
    with st.container(horizontal=True, gap="medium"):
        for channel, name in enumerate(CHANNELS):
            st.image(
                images[channel],
                caption=f"{channel}: {CHANNEL_NAMES[name]}",
                alt=f"Channel {channel}, {CHANNEL_NAMES[name]}: "
                f"{int(observation[channel].sum())} cells on.",
                width=CHANNEL_PIXELS,
                output_format="PNG",
            )
q_now = trace.q_values[frame]
st.dataframe(
    pd.DataFrame(
        {
            "action": list(ACTIONS),
            "Q(s, a)": q_now,
            "greedy": ["◀ chosen" if a == q_now.argmax() else "" for a in range(len(ACTIONS))],
        }
    ),
    hide_index=True,
)
st.caption(
    "The network's four outputs in this frame: the discounted future score it expects after "
    "each action. Why two alien channels? One frame cannot show which way the block is "
    "moving; splitting the aliens by direction puts that into a single picture (the real "
    "Atari DQN stacks 4 frames instead, see below). The shipped agent's input is exactly "
    f"these {OBSERVATION_SHAPE[0] * GRID * GRID} cells."
)

if guess.revealed:
    st.header("The shipped agent playing")
    gif, still = game.greedy_animation(shipped, views.run_key(shipped))
    left, right = st.columns([3, 2])
    with left:
        views.animation(
            gif,
            still,
            f"Space Invaders animation of the shipped agent's first evaluation game (score "
            f"{trace.score:.0f}, {len(trace.actions)} steps); bars on the right show Q(s, a) "
            "for no-op, left, right and fire in every frame, the chosen action's bar dark.",
            "invaders_shipped",
        )
        shown = min(len(trace.actions) + 1, drawing.MAX_FRAMES)
        st.caption(
            f"One greedy game ({len(trace.actions)} steps, score {trace.score:.0f}; the "
            f"animation shows its first {shown} frames at {drawing.FRAMES_PER_SECOND} per "
            "second). Bars run from the lowest to the highest Q-value of the game, so small "
            "differences between actions stay visible."
        )
    with right:
        st.metric(
            f"Greedy score ({INVADERS_EVAL_EPISODES} games)",
            f"{shipped_scores.mean():.1f}",
            f"{ratio:.1f} × random play",
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
        st.metric(
            "Random play",
            f"{random_mean:.2f}",
            help=f"Mean of {game.shipped_summary()['random_episodes']:,} games of uniformly "
            "random actions.",
            border=True,
        )
        st.metric(
            "Training",
            f"{shipped.total_steps / 1e6:.1f}M steps",
            f"{cpu_minutes:.0f} CPU-minutes",
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
    actual = 0 if ratio < 3.5 else 1 if ratio < BAR_TIMES_RANDOM else 2
    course.prediction_feedback(
        guess,
        actual,
        f"Over {INVADERS_EVAL_EPISODES} games it averages {shipped_scores.mean():.1f} "
        f"({ratio:.1f} × random's {random_mean:.1f}), with single games from "
        f"{shipped_scores.min():.0f} to {shipped_scores.max():.0f}. The score is a count of "
        "aliens: clearing a 24-alien wave and surviving the faster next one takes aiming, "
        "timing and dodging, all learned from cells and score.",
    )
    players = {"shipped agent": shipped_scores, "random play": game.random_scores()}
    draw(charts.scores_chart(players))
    draw(
        charts.greedy_checks_chart(
            shipped.eval_steps, shipped.eval_means, shipped.config.eval_episodes, random_mean
        )
    )
    st.caption(
        f"During training, every {shipped.config.eval_every_episodes} episodes the greedy policy "
        f"played {shipped.config.eval_episodes} fresh games; the run kept the network of its "
        f"best check (after {shipped.policy_step:,} steps). MinAtar's paper has no time "
        "limit or frame skip either, so its frames are these steps. The grey band is where its "
        "DQN levels off by about a million frames (Young & Tian, 2019), read off the paper's "
        "curves, not measured here."
    )

st.header("Train your own, from scratch")
rate = shipped.total_steps / shipped.cpu_time
st.markdown(
    f"The default budget is **{default.max_env_steps:,} environment steps**. The shipped run "
    f"trained at **{rate:,.0f} steps per CPU-second** ({shipped.total_steps:,} steps in "
    f"{cpu_minutes:.0f} CPU-minutes), so this budget takes about "
    f"**{default.max_env_steps / rate:.0f} s of one core**, plus any wait in the queue: long "
    "enough to watch the score climb, short enough for a class to share the trainers. The "
    f"agent plays {default.parallel_games} games side by side, so one forward pass picks "
    f"{default.parallel_games} actions. Your curve is drawn against the shipped run's first "
    f"{default.max_env_steps:,} steps: with the default settings and seed 0 it *is* that "
    "run's beginning (same settings, same seed, same run); change the seed to see another "
    "one."
)
config, submitted, form_error = config_form("invaders")
if config is not None and config.warm_up_covers_budget:
    st.warning(
        f"The budget of {config.max_env_steps:,} steps ends before the warm-up of "
        f"{config.learning_starts:,} steps does, so no gradient step will be taken: the network "
        "stays as it was initialised. Raise the budget or lower the warm-up.",
        icon=":material/warning:",
    )
notice = runs.restart_notice(BOOK)
if notice:
    st.info(notice, icon=":material/restart_alt:")
if form_error:
    st.error(f"These settings can't be trained: {form_error}.", icon=":material/error:")
elif submitted and config is not None:
    message = runs.start(config)
    if message:
        st.success(message, icon=":material/bolt:")
stored = st.session_state.pop(BOOK.notice_key, None)
if stored:
    st.warning(stored, icon=":material/stop_circle:")
runs.training_status(BOOK)

history = runs.history(BOOK)
labels = [record.label for record in history]
st.header("Results")
if st.session_state.get(BOOK.inspect_key) not in labels:
    st.session_state[BOOK.inspect_key] = labels[-1]
choice = st.selectbox("Run to inspect", labels, key=BOOK.inspect_key)
record = history[labels.index(choice)]
result = record.result
scores = game.greedy_scores(result, views.run_key(result))
first, second, third, fourth = st.columns(4)
first.metric(
    f"Greedy score ({INVADERS_EVAL_EPISODES} games)",
    f"{scores.mean():.1f}",
    f"{scores.mean() / random_mean:.1f} × random play",
    delta_color="off",
    delta_arrow="off",
    border=True,
)
second.metric("Environment steps", f"{result.total_steps:,}", border=True)
third.metric("Training episodes", f"{result.episodes:,}", border=True)
fourth.metric(
    "Training CPU time",
    f"{result.cpu_time:.0f} s",
    help=f"CPU seconds the training process spent; it took {result.wall_time:.0f} s of wall "
    "time, more when the machine was busy.",
    border=True,
)
references = {"random play": random_mean}
if record.number == 1:
    draw(
        charts.curves_chart(
            [charts.shipped_curve(result)], "The shipped run's training scores", references
        )
    )
else:
    draw(
        charts.curves_chart(
            [
                (record.label, result.episode_steps, result.episode_returns),
                charts.shipped_curve(shipped, result.total_steps),
            ],
            f"This run against the shipped agent's first {result.total_steps:,} steps",
            references,
        )
    )
    same_start = result.config == DQNConfig.for_environment(
        "invaders", max_env_steps=result.config.max_env_steps
    )
    st.caption(
        "Same settings and seed as the shipped run: the two curves coincide, since a config "
        "fixes the run."
        if same_start
        else "Different settings or seed from the shipped run: where the curves part is what "
        "your change did (one seed is one sample; try a few)."
    )
    left, right = st.columns([3, 2])
    with left:
        gif, still = game.greedy_animation(result, views.run_key(result))
        run_trace = game.greedy_game(result, views.run_key(result))
        views.animation(
            gif,
            still,
            f"Space Invaders animation of this run's greedy agent in the first evaluation game "
            f"(score {run_trace.score:.0f}, {len(run_trace.actions)} steps), with its Q-values "
            "as bars in every frame.",
            "invaders_run",
        )
        st.caption(
            f"This run's greedy agent in the first evaluation game: {len(run_trace.actions)} "
            f"steps, score {run_trace.score:.0f}."
        )
    with right:
        draw(charts.scores_chart({"this run": scores, "random play": game.random_scores()}))

st.header("Run history")
st.markdown(
    "Every run you train here stays in this list (the last ten), separate from the DQN page's. "
    "Runs are compared by their training scores against environment steps."
)
overlay = st.multiselect(
    "Runs to overlay", labels, default=labels[-4:], key=f"invaders_overlay_{len(labels)}"
)
picked = [r for r in history if r.label in overlay]
trained_steps = [r.result.total_steps for r in picked if r.number > 1]
longest = max(trained_steps) if trained_steps else None
chosen = []
for r in picked:
    if r.number == 1 and longest is not None:  # the shipped run only as far as yours went
        _, steps, scores_so_far = charts.shipped_curve(r.result, longest)
        chosen.append((f"{r.label} (first {longest:,} steps)", steps, scores_so_far))
    else:
        chosen.append((r.label, r.result.episode_steps, r.result.episode_returns))
if chosen:
    draw(charts.curves_chart(chosen, "Run history", references))
st.dataframe(
    pd.DataFrame(
        {
            "Run": labels,
            "Greedy score": [
                float(game.greedy_scores(r.result, views.run_key(r.result)).mean()) for r in history
            ],
            "Env steps": [r.result.total_steps for r in history],
            "Episodes": [r.result.episodes for r in history],
            "CPU s": [round(r.result.cpu_time) for r in history],
            "Ended by": [r.result.ended_by for r in history],
        }
    ),
    hide_index=True,
    column_config={
        "Run": st.column_config.TextColumn(width="large"),
        "Greedy score": st.column_config.NumberColumn(
            format="%.1f", help=f"Mean over {INVADERS_EVAL_EPISODES} greedy evaluation games."
        ),
    },
)

st.header("From 4 numbers to a screen")
ours = shipped.policy
cartpole_net = runs.shipped_run(runs.CARTPOLE).policy
nature = nature_dqn()
ours_madds = multiply_adds(ours, OBSERVATION_SHAPE)
cartpole_madds = multiply_adds(cartpole_net, (4,))
nature_madds = multiply_adds(nature, NATURE_OBSERVATION_SHAPE)
ours_weights = sum(p.numel() for p in ours.parameters())
nature_decisions = NATURE_FRAMES // FRAME_SKIP
nature_weights = sum(p.numel() for p in nature.parameters())
st.markdown(
    f"""
**Convolutional layers.** CartPole's network multiplies 4 numbers by weights; a network that
took the {OBSERVATION_SHAPE[0] * GRID * GRID} cells the same way would need a separate weight
for an alien in every cell and learn every position on its own. A **convolution** slides a few
small filters (here {default.conv_channels} of 3 × 3 cells × {OBSERVATION_SHAPE[0]} channels)
over the whole grid: an alien above the cannon is the same pattern in every column, so it is
learned once. The output, {default.conv_channels} maps of 8 × 8, feeds a fully connected layer
of {default.hidden_width} units and one output per action: **{ours_weights:,} weights**, about
**{ours_madds:,} multiply-adds** per picture, against {cartpole_madds:,} for the CartPole
network.

**Real Atari DQN** (Mnih et al., 2015, *Human-level control through deep reinforcement
learning*) played 49 Atari 2600 games from the raw screen, 210 × 160 pixels in 128 colours,
with one network design and one set of settings for all of them. What it had to add:

- **Preprocessing**: each frame became 84 × 84 grayscale, after taking the maximum of two
  consecutive frames (Atari sprites flicker: some are drawn only every other frame).
- **Frame skip**: the agent chose an action every {FRAME_SKIP}th frame and repeated it in
  between, so {NATURE_FRAMES / 1e6:.0f} million frames are {nature_decisions / 1e6:.1f} million
  decisions.
- **Frame stacking**: one frame does not show motion (which way a ball or a bullet flies),
  so the input was the **last 4 frames**, 4 × 84 × 84. MinAtar's direction channels do that
  job here in a single picture.
- **Reward clipping**: every positive reward became +1 and every negative one −1, since
  the scale of scores varies greatly from game to game and one learning rate had to suit
  them all (here each alien is worth 1 anyway).
- **A bigger network**: convolutions of 32 filters 8 × 8 (stride 4), 64 of 4 × 4 (stride 2)
  and 64 of 3 × 3, then 512 units: **{nature_weights:,} weights** (with 18 actions) and
  **{nature_madds:,} multiply-adds** per input, **{nature_madds / ours_madds:.0f} ×** the
  network on this page.
- **More of everything**: {NATURE_FRAMES / 1e6:.0f} million frames per game, a replay memory
  of 1 million transitions, a target network synced every 10,000 updates, ε falling from 1 to
  0.1 over the first million frames, minibatches of {NATURE_BATCH} every
  {NATURE_UPDATE_EVERY} decisions.
"""
)
nature_updates = nature_decisions // NATURE_UPDATE_EVERY
ours_updates = (
    shipped.total_steps - shipped.config.learning_starts
) // shipped.config.train_frequency
nature_work = nature_updates * NATURE_BATCH * nature_madds
ours_work = ours_updates * shipped.config.batch_size * ours_madds
scale = nature_work / ours_work
st.markdown(
    f"""
**Why real Atari takes hours, even on GPUs.** Count the learning arithmetic. The paper's
schedule is {nature_updates:,} minibatches of {NATURE_BATCH} (one every {NATURE_UPDATE_EVERY}
of its {nature_decisions / 1e6:.1f} million decisions)
through a network of {nature_madds / 1e6:.1f} million multiply-adds. The shipped agent here took
{ours_updates:,} minibatches of {shipped.config.batch_size} through {ours_madds / 1e3:.0f}
thousand: the paper's run is about **{scale:,.0f} times the arithmetic**. The shipped run took
{cpu_minutes:.0f} CPU-minutes here; at the same speed per multiply-add the paper's
run would take about **{cpu_minutes * scale / 60:,.0f} hours** of one core (a rough figure: large
convolutions use a CPU better than small ones, and the emulator has to produce
{NATURE_FRAMES / 1e6:.0f} million frames on top). A GPU does exactly this kind of
arithmetic, thousands of multiply-adds at once, which is why Atari agents are trained on GPUs;
the emulated frames, the acting one decision at a time and a replay memory of a million
transitions remain, so a run
still takes hours there. MinAtar keeps the ideas and drops the pixels, which is what lets a
run on this page finish on one CPU core in about a minute.
"""
)

sections.takeaways(
    [
        "The same DQN learns from a picture: only the network changes, to a convolution that "
        "finds the same pattern anywhere on the screen.",
        "The input must show what matters for acting: motion needs several frames (Atari DQN "
        "stacks 4) or channels that encode it (MinAtar's alien directions).",
        f"Binary pictures store compactly: 8 cells per byte keep a replay buffer of "
        f"{default.buffer_size:,} transitions small enough for a web server's trainer.",
        f"Real Atari DQN is the same algorithm with {nature_madds / ours_madds:.0f} times the "
        f"arithmetic per input and {nature_decisions / shipped.total_steps:.1f} times the "
        "decisions of the shipped agent here: hours on a GPU, not minutes on a core.",
    ]
)


def blindfold_answer(name: str, hidden: tuple[int, ...], merge_aliens: bool) -> str:
    seeing = game.blindfolded_scores(shipped, views.run_key(shipped), hidden, merge_aliens)
    drop = 1 - seeing.mean() / shipped_scores.mean()
    return (
        f"Played by the shipped agent on the same {INVADERS_EVAL_EPISODES} evaluation games: "
        f"{shipped_scores.mean():.1f} a game seeing everything, **{seeing.mean():.1f}** {name} "
        f"({drop:.0%} less; random play scores {random_mean:.1f}). The network was trained "
        "with every channel, so this measures how much its decisions lean on what was taken "
        "away, not what an agent trained without it could learn."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Blank out the aliens' bullets (channel 4): how much of the score comes from dodging?",
            lambda: blindfold_answer("without seeing the aliens' bullets", (4,), False),
        ),
        course.TryThis(
            "Blank out the agent's own bullets (channel 3): does it need to see its shots?",
            lambda: blindfold_answer("without seeing its own bullets", (3,), False),
        ),
        course.TryThis(
            "Hide which way the block moves (both alien channels show every alien): what is the "
            "direction worth?",
            lambda: blindfold_answer("without the block's direction", (), True),
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "Why does a convolutional layer suit a game screen better than a fully connected one?",
            (
                "It applies the same small filters everywhere, so a pattern learned in one "
                "place is recognised in every place",
                "It has more weights, so it can memorise more screens",
                "It makes the network output one value per action",
            ),
            0,
            (
                "Right: an alien above the cannon looks the same in every column, so the "
                "filter that spots it is learned once and reused.",
                "It has far fewer weights than a fully connected layer on the same input: "
                "sharing them is the point.",
                "Every DQN network ends in one output per action, convolutional or not.",
            ),
        ),
        course.Question(
            "Atari DQN stacks the last 4 frames as its input. What would a single frame miss?",
            (
                "Motion: which way the aliens, bullets and ball are moving",
                "The score",
                "The colours of the sprites",
            ),
            0,
            (
                "Right: a still picture does not say where things are going. MinAtar puts the "
                "aliens' direction into two channels instead.",
                "The score is the reward signal; the network need not see it.",
                "The frames are grayscale anyway: colour is dropped on purpose.",
            ),
        ),
        course.Question(
            f"Why does the training loop play {default.parallel_games} games side by side?",
            (
                f"One batched forward pass then chooses {default.parallel_games} actions, and "
                f"the replay buffer fills with {default.parallel_games} different situations "
                "at once",
                "Each game has its own network",
                f"{default.parallel_games} games make the agent score {default.parallel_games} "
                "times more",
            ),
            0,
            (
                f"Right: acting costs 1/{default.parallel_games} of a forward pass per step, and "
                "the transitions stored side by side come from unrelated games.",
                "All games share one network: the one being trained.",
                "The score is per game; more games only make collecting experience cheaper.",
            ),
        ),
    ],
)
