/* Hengyang 1944 -- the engine's step() in JavaScript, for the browser edition.
 *
 * The same semantics as adventure/engine.py (the reference), on the data bundle written by
 * adventure/web/bundle.py: conditions are syntax trees, effects are [op, target, value].
 * Pure functions over plain values: no DOM, no clock, no I/O. A state is the JSON a save
 * keeps (adventure/saves.py state_to_json without "chapter"):
 *   {scene, vars, visits, notes, taken, ending, turn}
 * tests/test_web_runtime.py runs this file under node and compares it step by step with the
 * Python engine. Works in a browser (window.HengyangRuntime) and under node (module.exports).
 */
(function (root) {
  "use strict";

  function InvalidChoice(message) {
    this.name = "InvalidChoice";
    this.message = message;
  }
  InvalidChoice.prototype = Object.create(Error.prototype);

  function truthy(x) {
    return x !== false && x !== 0 && x !== null && x !== undefined;
  }

  // Python's == and < on bools and ints: True == 1, False < 1.
  function num(x) {
    return typeof x === "boolean" ? (x ? 1 : 0) : x;
  }

  function evaluate(tree, vars, visits) {
    switch (tree[0]) {
      case "n": return tree[1];
      case "b": return tree[1];
      case "v": return vars[tree[1]];
      case "s": return Object.prototype.hasOwnProperty.call(visits, tree[1]) ? visits[tree[1]] : 0;
      case "not": return !truthy(evaluate(tree[1], vars, visits));
      case "and": return truthy(evaluate(tree[1], vars, visits)) && truthy(evaluate(tree[2], vars, visits));
      case "or": return truthy(evaluate(tree[1], vars, visits)) || truthy(evaluate(tree[2], vars, visits));
      default: {
        var a = num(evaluate(tree[1], vars, visits)), b = num(evaluate(tree[2], vars, visits));
        switch (tree[0]) {
          case "==": return a === b;
          case "!=": return a !== b;
          case "<": return a < b;
          case "<=": return a <= b;
          case ">": return a > b;
          case ">=": return a >= b;
        }
      }
    }
    throw new InvalidChoice("unknown condition node " + String(tree[0]));
  }

  function test(tree, state) {
    return tree === null || truthy(evaluate(tree, state.vars, state.visits));
  }

  function copy(obj) {
    var out = {};
    for (var k in obj) if (Object.prototype.hasOwnProperty.call(obj, k)) out[k] = obj[k];
    return out;
  }

  function initialVars(bundle) {
    var vars = {};
    bundle.vars.forEach(function (v) { vars[v[0]] = v[1]; });
    return vars;
  }

  // Apply effects in order; returns the ending an "end" effect names, or null.
  var MAX_NUMBER = 1e15;  // adventure.model.MAX_NUMBER

  function apply(effects, vars, have, changes, notes) {
    var ending = null;
    effects.forEach(function (e) {
      var op = e[0], target = e[1], value = e[2];
      if (op === "note") {
        if (have.indexOf(target) < 0 && notes.indexOf(target) < 0) notes.push(target);
      } else if (op === "end") {
        ending = target;
      } else {
        var old = vars[target], next;
        // Counters saturate at the bound every save can hold, as adventure.engine._apply does.
        if (op === "set") next = value;
        else if (op === "add") next = Math.max(-MAX_NUMBER, Math.min(MAX_NUMBER, num(old) + value));
        else if (op === "sub") next = Math.max(-MAX_NUMBER, Math.min(MAX_NUMBER, num(old) - value));
        else throw new Error("unknown effect operation " + op);
        if (next !== old) {
          vars[target] = next;
          changes.push([target, old, next]);
        }
      }
    });
    return ending;
  }

  function enter(bundle, vars, visits, taken, turn, target, choiceId, changes, notes, have) {
    var scene = bundle.scenes[target];
    var ending = null;
    if (scene.effects.length) {
      vars = copy(vars);
      ending = apply(scene.effects, vars, have.concat(notes), changes, notes);
    }
    var newVisits = copy(visits);
    newVisits[target] = (visits[target] || 0) + 1;
    ending = ending || scene.ending;
    var state = {scene: target, vars: vars, visits: newVisits, notes: have.concat(notes), taken: taken,
                 ending: ending, turn: turn};
    return {state: state, output: {choice: choiceId, scene: target, entered: true, changes: changes,
                                   notes: notes, ending: ending}};
  }

  function newGame(bundle, at, preset) {
    var scene = at || bundle.story.start;
    if (!Object.prototype.hasOwnProperty.call(bundle.scenes, scene)) throw new InvalidChoice("no scene '" + scene + "'");
    var vars = initialVars(bundle);
    Object.keys(preset || {}).forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(vars, name) || typeof vars[name] !== typeof preset[name]) {
        throw new InvalidChoice("no such variable '" + name + "'");
      }
      vars[name] = preset[name];
    });
    return enter(bundle, vars, {}, [], 0, scene, null, [], [], []);
  }

  function available(bundle, state) {
    if (state.ending !== null) return [];
    var scene = bundle.scenes[state.scene];
    return scene.choices.filter(function (c) {
      if (c[3] && state.taken.indexOf(state.scene + "." + c[0]) >= 0) return false;
      return test(c[2], state);
    });
  }

  function step(bundle, state, choiceId) {
    if (state.ending !== null) throw new InvalidChoice("the story has ended (" + state.ending + ")");
    var scene = bundle.scenes[state.scene];
    var choice = null;
    scene.choices.forEach(function (c) { if (c[0] === choiceId) choice = c; });
    if (choice === null) throw new InvalidChoice("no choice '" + choiceId + "' in scene '" + state.scene + "'");
    var key = state.scene + "." + choice[0];
    if (choice[3] && state.taken.indexOf(key) >= 0) throw new InvalidChoice("choice '" + choiceId + "' was already taken");
    if (!test(choice[2], state)) throw new InvalidChoice("choice '" + choiceId + "' is not available");
    var changes = [], notes = [], vars = state.vars, ending = null;
    if (choice[4].length) {
      vars = copy(state.vars);
      ending = apply(choice[4], vars, state.notes, changes, notes);
    }
    var taken = state.taken;
    if (choice[3] && taken.indexOf(key) < 0) taken = taken.concat([key]).sort();
    if (ending !== null || choice[1] === null) {
      return {state: {scene: state.scene, vars: vars, visits: state.visits, notes: state.notes.concat(notes),
                      taken: taken, ending: ending, turn: state.turn + 1},
              output: {choice: choice[0], scene: state.scene, entered: false, changes: changes, notes: notes,
                       ending: ending}};
    }
    return enter(bundle, vars, state.visits, taken, state.turn + 1, choice[1], choice[0], changes, notes,
                 state.notes);
  }

  /* A game with undo and restart, as adventure/session.py keeps them: the earlier states,
   * and the choice taken from each (null for a restart). */
  function Game(bundle, state, history, trail) {
    this.bundle = bundle;
    this.state = state || newGame(bundle).state;
    this.history = history || [];
    this.trail = trail || [];
  }
  Game.prototype.choices = function () { return available(this.bundle, this.state); };
  Game.prototype.choose = function (choiceId) {
    var result = step(this.bundle, this.state, choiceId);
    this.history.push(this.state);
    this.trail.push(choiceId);
    this.state = result.state;
    return result.output;
  };
  Game.prototype.undo = function () {
    if (!this.history.length) return false;
    this.state = this.history.pop();
    if (this.trail.length) this.trail.pop();
    return true;
  };
  Game.prototype.restart = function () {
    this.history.push(this.state);
    this.trail.push(null);
    var result = newGame(this.bundle);
    this.state = result.state;
    return result.output;
  };

  // The chapters finished: read and left, or ended in (adventure/classroom.py completed_chapters).
  function completedChapters(bundle, state) {
    var current = bundle.scenes[state.scene].chapter;
    var visited = {};
    Object.keys(state.visits).forEach(function (s) {
      if (bundle.scenes[s]) visited[bundle.scenes[s].chapter] = true;
    });
    var done = bundle.chapters.map(function (c) { return c[0]; }).filter(function (c) {
      return visited[c] && c !== current;
    });
    if (state.ending !== null) done.push(current);
    return done;
  }

  var api = {InvalidChoice: InvalidChoice, evaluate: evaluate, newGame: newGame, available: available, step: step,
             Game: Game, completedChapters: completedChapters};
  root.HengyangRuntime = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
