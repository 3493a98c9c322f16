(define (domain tyreworld)
  (:requirements :strips :typing)
  (:types obj hub nut - object
          tool wheel - obj
          container)
  (:predicates (open ?c - container) (closed ?c - container) (have ?o - obj) (in ?o - obj ?c - container)
               (loose ?n - nut ?h - hub) (tight ?n - nut ?h - hub) (unlocked ?c - container)
               (on-ground ?h - hub) (not-on-ground ?h - hub) (inflated ?w - wheel) (not-inflated ?w - wheel)
               (fastened ?h - hub) (unfastened ?h - hub) (free ?h - hub) (on ?w - wheel ?h - hub)
               (intact ?w - wheel) (is-wrench ?t - tool) (is-jack ?t - tool) (is-pump ?t - tool))
  (:action open
    :parameters (?c - container)
    :precondition (and (unlocked ?c) (closed ?c))
    :effect (and (open ?c) (not (closed ?c))))
  (:action close
    :parameters (?c - container)
    :precondition (open ?c)
    :effect (and (closed ?c) (not (open ?c))))
  (:action fetch
    :parameters (?o - obj ?c - container)
    :precondition (and (in ?o ?c) (open ?c))
    :effect (and (have ?o) (not (in ?o ?c))))
  (:action put-away
    :parameters (?o - obj ?c - container)
    :precondition (and (have ?o) (open ?c))
    :effect (and (in ?o ?c) (not (have ?o))))
  (:action loosen
    :parameters (?n - nut ?h - hub ?t - tool)
    :precondition (and (is-wrench ?t) (have ?t) (tight ?n ?h) (on-ground ?h))
    :effect (and (loose ?n ?h) (not (tight ?n ?h))))
  (:action tighten
    :parameters (?n - nut ?h - hub ?t - tool)
    :precondition (and (is-wrench ?t) (have ?t) (loose ?n ?h) (on-ground ?h))
    :effect (and (tight ?n ?h) (not (loose ?n ?h))))
  (:action jack-up
    :parameters (?h - hub ?t - tool)
    :precondition (and (is-jack ?t) (have ?t) (on-ground ?h))
    :effect (and (not-on-ground ?h) (not (on-ground ?h)) (not (have ?t))))
  (:action jack-down
    :parameters (?h - hub ?t - tool)
    :precondition (and (is-jack ?t) (not-on-ground ?h))
    :effect (and (on-ground ?h) (not (not-on-ground ?h)) (have ?t)))
  (:action undo
    :parameters (?n - nut ?h - hub ?t - tool)
    :precondition (and (is-wrench ?t) (have ?t) (not-on-ground ?h) (fastened ?h) (loose ?n ?h))
    :effect (and (have ?n) (unfastened ?h) (not (fastened ?h)) (not (loose ?n ?h))))
  (:action do-up
    :parameters (?n - nut ?h - hub ?t - tool)
    :precondition (and (is-wrench ?t) (have ?t) (have ?n) (not-on-ground ?h) (unfastened ?h))
    :effect (and (loose ?n ?h) (fastened ?h) (not (unfastened ?h)) (not (have ?n))))
  (:action remove-wheel
    :parameters (?w - wheel ?h - hub)
    :precondition (and (not-on-ground ?h) (on ?w ?h) (unfastened ?h))
    :effect (and (have ?w) (free ?h) (not (on ?w ?h))))
  (:action put-on-wheel
    :parameters (?w - wheel ?h - hub)
    :precondition (and (have ?w) (free ?h) (unfastened ?h) (not-on-ground ?h))
    :effect (and (on ?w ?h) (not (have ?w)) (not (free ?h))))
  (:action inflate
    :parameters (?w - wheel ?t - tool)
    :precondition (and (is-pump ?t) (have ?t) (have ?w) (not-inflated ?w) (intact ?w))
    :effect (and (inflated ?w) (not (not-inflated ?w)))))
